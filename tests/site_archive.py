"""A generated academicpages-style repository, zipped the way GitHub's "Download ZIP" does (one top folder).

Every file here is written for the tests; it imitates the structure of an academicpages site, not its text.
"""

from __future__ import annotations

import io
import zipfile

from factories import PDF, PNG

CONFIG = """\
title: "Ada Example"
name: &name "Ada Example"
description: "Ada Example's academic pages"
url: https://ada.github.io
baseurl: ""
author:
  avatar: "profile.png"
  name: "Ada Example"
  bio: "Computing history, analytical engines"
  location: "London"
  employer: "Example University"
  email: "ada@example.org"
  googlescholar: "https://scholar.google.com/citations?user=abcdefghijkl"
  github: "ada-example"
  pinterest:
collections:
  teaching:
    output: true
    permalink: /:collection/:path/
  publications:
    output: true
    permalink: /:collection/:path/
  portfolio:
    output: true
    permalink: /:collection/:path/
  talks:
    output: true
    permalink: /:collection/:path/
permalink: /:categories/:title/
"""

ABOUT = """\
---
permalink: /
title: "About me"
author_profile: true
redirect_from:
  - /about/
  - /about.html
---

I study the **Analytical Engine** and its [notes]({{ base_path }}/files/paper1.pdf).

Recent work: see [publications](/publications/) and my [CV](/cv/).
"""

CV = """\
---
layout: archive
title: "CV"
permalink: /cv/
author_profile: true
---

{% include base_path %}

Education
======
* Ph.D. in Mathematics, Example University, 1843

Work experience
======
* Spring 1844: Translator
  * Wrote the notes
"""

PUBLICATIONS_PAGE = """\
---
layout: archive
title: "Publications"
permalink: /publications/
author_profile: true
---

{% if site.author.googlescholar %}
  You can also find my articles on <u><a href="{{ site.author.googlescholar }}">my Google Scholar profile</a>.</u>
{% endif %}

{% include base_path %}

{% for post in site.publications reversed %}
  {% include archive-single.html %}
{% endfor %}
"""

TALKS_PAGE = """\
---
layout: archive
permalink: /talks/
title: "Talks and presentations"
author_profile: true
redirect_from:
  - "/talks.html"
---

{% include base_path %}

{% for post in site.talks reversed %}
  {% include archive-single-talk.html %}
{% endfor %}
"""

YEAR_ARCHIVE = """\
---
layout: archive
permalink: /year-archive/
title: "Blog posts"
author_profile: true
---

{% include base_path %}
{% capture written_year %}'None'{% endcapture %}
{% for post in site.posts %}
  {% capture year %}{{ post.date | date: '%Y' }}{% endcapture %}
  {% if year != written_year %}
    <h2 id="{{ year | slugify }}" class="archive__subtitle">{{ year }}</h2>
    {% capture written_year %}{{ year }}{% endcapture %}
  {% endif %}
  {% include archive-single.html %}
{% endfor %}
"""

CATEGORY_ARCHIVE = """\
---
layout: archive
permalink: /categories/
title: "Posts by Category"
---

{% for category in site.categories %}
  <h2 id="{{ category[0] | slugify }}">{{ category[0] }}</h2>
{% endfor %}
"""

PAPER_ONE = """\
---
title: "Notes on the Analytical Engine"
collection: publications
permalink: /publication/2024-01-15-paper-one
excerpt: 'The first published algorithm for a machine.'
date: 2024-01-15
venue: 'Journal of Example Studies'
paperurl: '/files/paper1.pdf'
citation: 'Example, Ada. (2024). &quot;Notes.&quot; <i>Journal of Example Studies</i>. 1(1).'
---
The notes describe an algorithm for Bernoulli numbers.
"""

PAPER_TWO = """\
---
title: "On Difference Engines"
collection: publications
date: 2022-06-01
venue: 'Proceedings of Examples'
paperurl: 'javascript:alert(1)'
---
An earlier paper about difference engines.
"""

TALK = """\
---
title: "Engines that weave"
collection: talks
type: "Talk"
permalink: /talks/2023-03-01-talk-1
venue: "Example Society"
date: 2023-03-01
location: "London, England"
---
A talk about looms and cards.
"""

TEACHING = """\
---
title: "Mathematics for engines"
collection: teaching
type: "Undergraduate course"
permalink: /teaching/2021-spring-teaching-1
venue: "Example University, Department of Mathematics"
date: 2021-01-01
location: "London, England"
---
Weekly lectures on series.
"""

PORTFOLIO = """\
---
title: "Punched card gallery"
excerpt: "A gallery of cards"
collection: portfolio
---
Cards, photographed.
"""

POST = """\
---
title: 'A first blog post'
date: 2020-08-14
permalink: /posts/2020/08/blog-post-1/
tags:
  - engines
---
This is a blog post about engines.
"""

NAVIGATION = """\
main:
  - title: "Publications"
    url: /publications/
  - title: "Talks"
    url: /talks/
  - title: "Teaching"
    url: /teaching/
  - title: "Portfolio"
    url: /portfolio/
  - title: "Blog Posts"
    url: /year-archive/
  - title: "CV"
    url: /cv/
  - title: "Guide"
    url: https://example.org/guide
"""

SITE_FILES: dict[str, bytes | str] = {
    "_config.yml": CONFIG,
    "_pages/about.md": ABOUT,
    "_pages/cv.md": CV,
    "_pages/publications.md": PUBLICATIONS_PAGE,
    "_pages/talks.html": TALKS_PAGE,
    "_pages/year-archive.html": YEAR_ARCHIVE,
    "_pages/category-archive.html": CATEGORY_ARCHIVE,
    "_publications/2024-01-15-paper-one.md": PAPER_ONE,
    "_publications/2022-06-01-paper-two.md": PAPER_TWO,
    "_talks/2023-03-01-talk-1.md": TALK,
    "_teaching/2021-spring-teaching-1.md": TEACHING,
    "_portfolio/portfolio-1.md": PORTFOLIO,
    "_posts/2020-08-14-blog-post-1.md": POST,
    "_data/navigation.yml": NAVIGATION,
    "_data/ui-text.yml": "en:\n  date_label: Published\n",
    "files/paper1.pdf": PDF,
    "images/profile.png": PNG,
    "images/500x300.png": PNG,
    "_layouts/default.html": "<html>{{ content }}</html>\n",
    "_includes/paper-card.html": ('<div class="card"><a href="{{ include.paper.url }}">{{ include.paper.title }}'
                                  "</a></div>\n"),
    "assets/css/main.scss": "---\n---\n@import 'main';\n",
    "Gemfile": "source 'https://rubygems.org'\n",
    "README.md": "A repository.\n",
    "markdown_generator/publications.py": "print('generate')\n",
    ".gitignore": "_site\n",
}


def build_zip(files: dict[str, bytes | str] | None = None, *, top: str | None = "ada-site-main",
              compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    prefix = f"{top}/" if top else ""
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        if top:
            archive.writestr(zipfile.ZipInfo(prefix), b"")
        for path, content in (SITE_FILES if files is None else files).items():
            archive.writestr(prefix + path, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def site_with(changes: dict[str, bytes | str], *, without: tuple[str, ...] = ()) -> dict[str, bytes | str]:
    """The generated site with some files added or replaced, and some left out."""
    files = {path: content for path, content in SITE_FILES.items() if path not in without}
    files.update(changes)
    return files
