"""A generated academicpages-style repository of N pages, written by us for benchmarks (bench/site_build.py).

The layout academicpages sites have: `_config.yml` with an author: block and collections, `_data/navigation.yml`
and `_data/cv.yml`, `_pages/` (an about page, listings of publications, talks, teaching and portfolio looping
over `site.<collection> reversed` with `{% include archive-single.html %}`, a year archive of the posts, a CV that
loops over `site.data.cv` and lists the publications, plain pages), `_publications/`, `_talks/`, `_posts/`,
`_teaching/`, `_portfolio/` with dated front matter (venue, citation, paperurl, excerpt), Markdown bodies of
2-4 KB, and a few files in `files/` and `images/`. Deterministic for a given N and seed. Nothing is copied from
a real site.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from datetime import date, timedelta

TOP = "demo-scholar.github.io-main"
NAME = "Morgan Example"
WORDS = (
    "model data method result analysis corpus signal estimate bound proof sample network layer training "
    "inference language protein graph kernel sparse dense robust stable efficient novel simple general "
    "empirical theoretical baseline benchmark ablation variance bias error loss gradient prior posterior "
    "latent structure sequence alignment retrieval memory attention transfer domain shift calibration "
    "uncertainty causal effect treatment survey cohort measurement instrument field laboratory archive "
    "experiment replication protocol dataset annotation agreement evaluation metric score ranking query "
    "document speech image video sensor climate ocean soil genome cell tissue policy market labour city"
).split()
TOPICS = ("machine translation", "causal inference", "sparse models", "climate signals", "speech recognition",
          "protein folding", "fair ranking", "graph learning", "survey methods", "urban mobility",
          "robust statistics", "low-resource languages")
VENUES = ("Journal of Example Studies", "Proceedings of the Example Conference", "Transactions on Examples",
          "Workshop on Illustrative Methods", "Annals of Sample Science", "Example Letters",
          "International Symposium on Placeholders", "Review of Generated Research")
PLACES = ("Lisbon, Portugal", "Kyoto, Japan", "Montreal, Canada", "Nairobi, Kenya", "Berlin, Germany",
          "Santiago, Chile", "Melbourne, Australia", "Toronto, Canada", "Vienna, Austria", "Online")
TALK_TYPES = ("Talk", "Tutorial", "Poster", "Keynote", "Invited talk")

# How the N pages are shared out (500 -> 40 pages, 200 publications, 100 talks, 100 posts, 30 teaching, 30 portfolio)
SHARES = (("publications", 0.40), ("talks", 0.20), ("posts", 0.20), ("teaching", 0.06), ("portfolio", 0.06))
FIRST_DAY = date(2008, 1, 1)
LAST_DAY = date(2025, 12, 31)  # never in the future: Jekyll (and the import) leave future items out

CONFIG = f"""\
title: "{NAME}"
name: &name "{NAME}"
description: "Personal academic pages of {NAME}"
url: https://demo-scholar.github.io
baseurl: ""
repository: "demo-scholar/demo-scholar.github.io"
author:
  avatar: "profile.png"
  name: "{NAME}"
  pronouns: "they/them"
  bio: "Researcher in generated examples and their measurement"
  location: "Exampleton"
  employer: "University of Examples"
  email: "morgan@example.org"
  googlescholar: "https://scholar.google.com/citations?user=exampleuser1"
  orcid: "https://orcid.org/0000-0000-0000-0000"
  github: "demo-scholar"
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
defaults:
  - scope:
      path: ""
      type: publications
    values:
      layout: single
      author_profile: true
      share: true
      comments: false
  - scope:
      path: ""
      type: talks
    values:
      layout: talk
      author_profile: true
  - scope:
      path: ""
      type: posts
    values:
      layout: single
      author_profile: true
      read_time: true
permalink: /:categories/:title/
markdown: kramdown
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
"""

LISTING = """\
---
layout: archive
title: "{title}"
permalink: /{collection}/
author_profile: true
---

{{% if site.author.googlescholar %}}
  You can also find my articles on <u><a href="{{{{ site.author.googlescholar }}}}">my Google Scholar profile</a>.</u>
{{% endif %}}

{{% include base_path %}}

{{% for post in site.{collection} reversed %}}
  {{% include {include} %}}
{{% endfor %}}
"""

YEAR_ARCHIVE = """\
---
layout: archive
permalink: /year-archive/
title: "Blog posts"
author_profile: true
redirect_from:
  - /wordpress/blog-posts/
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

CV_PAGE = """\
---
layout: archive
title: "CV"
permalink: /cv/
author_profile: true
redirect_from:
  - /resume
---

{% include base_path %}

Education
======
{% for entry in site.data.cv.education %}* {{ entry.degree }}, {{ entry.institution }}, {{ entry.year }}
{% endfor %}

Work experience
======
{% for job in site.data.cv.work %}* {{ job.years }}: {{ job.role }}, {{ job.place }}
{% for duty in job.duties %}  * {{ duty }}
{% endfor %}{% endfor %}

Skills
======
{% for skill in site.data.cv.skills %}* {{ skill.name }}{% if skill.detail %}: {{ skill.detail }}{% endif %}
{% endfor %}

Service
======
{% for item in site.data.cv.service %}* {{ item }}
{% endfor %}

Publications
======
  <ul>{% for post in site.publications reversed %}
    {% include archive-single-cv.html %}
  {% endfor %}</ul>
"""

ABOUT = """\
---
permalink: /
title: "About me"
excerpt: "About me"
author_profile: true
redirect_from:
  - /about/
  - /about.html
---

I am a researcher at the University of Examples working on **generated examples** and *their measurement*.
My [CV](/cv/) and [publications](/publications/) are on this site; my code is on
[GitHub](https://github.com/demo-scholar).

"""


def _day(rng: random.Random) -> date:
    return FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))


def _sentence(rng: random.Random, low: int = 8, high: int = 22) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    if rng.random() < 0.3:
        words[rng.randrange(len(words))] = f"**{rng.choice(WORDS)}**"
    if rng.random() < 0.2:
        words[rng.randrange(len(words))] = f"*{rng.choice(WORDS)}*"
    if rng.random() < 0.15:
        word = rng.choice(WORDS)
        words[rng.randrange(len(words))] = f"[{word}](https://example.org/{word})"
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def body(rng: random.Random, target: int) -> str:
    """Markdown of about `target` bytes: headings, paragraphs, a list, sometimes a table or a code block."""
    parts: list[str] = []
    section = 0
    while sum(len(part) + 2 for part in parts) < target:
        section += 1
        parts.append(f"## {rng.choice(TOPICS).capitalize()}, part {section}")
        parts.append(_paragraph(rng))
        kind = rng.random()
        if kind < 0.35:
            parts.append("\n".join(f"- {_sentence(rng, 4, 10)}" for _ in range(rng.randint(3, 6))))
        elif kind < 0.5:
            rows = [f"| {2010 + i} | {rng.choice(WORDS)} | {rng.randint(10, 99)}.{rng.randint(0, 9)} |"
                    for i in range(rng.randint(3, 6))]
            parts.append("| Year | Setting | Score |\n| ---- | ------- | ----- |\n" + "\n".join(rows))
        elif kind < 0.6:
            parts.append("```python\n" + "\n".join(f"{rng.choice(WORDS)}_{i} = fit(data, k={i})"
                                                   for i in range(rng.randint(3, 6))) + "\n```")
        parts.append(_paragraph(rng))
    return "\n\n".join(parts) + "\n"


def _title(rng: random.Random) -> str:
    return f"{rng.choice(('On', 'Towards', 'Learning', 'Measuring', 'Revisiting'))} {rng.choice(TOPICS)} " \
           f"with {rng.choice(WORDS)} {rng.choice(WORDS)}s"


def publication(number: int, seed: int = 0, *, revision: int = 0) -> tuple[str, str]:
    """(path in the repository, source) of publication `number`; `revision` > 0 is an edited version of it."""
    rng = random.Random(seed * 100_003 + number)
    day = _day(rng)
    slug = f"paper-{number:04d}"
    venue = rng.choice(VENUES)
    title = _title(rng) + (f" (revised {revision})" if revision else "")
    authors = ", ".join([f"{NAME.split()[1]}, M."] + [f"Coauthor{rng.randint(1, 60)}, {chr(65 + i)}."
                                                       for i in range(rng.randint(1, 4))])
    excerpt = _sentence(rng, 10, 18) + (f" Revision {revision} of the abstract." if revision else "")
    paperurl = "/files/paper-example.pdf" if number % 5 == 0 else f"https://example.org/{slug}.pdf"
    text = body(rng, rng.randint(1600, 3200))
    if revision:
        text = f"*Updated: revision {revision} adds a correction to the second table.*\n\n{text}"
    source = f"""\
---
title: "{title}"
collection: publications
category: {rng.choice(("manuscripts", "conferences", "books"))}
permalink: /publication/{day.isoformat()}-{slug}
excerpt: '{excerpt}'
date: {day.isoformat()}
venue: '{venue}'
slidesurl: 'https://example.org/slides/{slug}.pdf'
paperurl: '{paperurl}'
citation: '{authors} ({day.year}). &quot;{title}.&quot; <i>{venue}</i>. {rng.randint(1, 40)}({rng.randint(1, 4)}).'
---
{text}
```bibtex
@article{{{slug},
  title = {{{title}}},
  author = {{{authors}}},
  journal = {{{venue}}},
  year = {{{day.year}}}
}}
```
"""
    return f"_publications/{day.isoformat()}-{slug}.md", source


def talk(number: int, seed: int = 0) -> tuple[str, str]:
    rng = random.Random(seed * 200_003 + number)
    day = _day(rng)
    slug = f"talk-{number:04d}"
    return f"_talks/{day.isoformat()}-{slug}.md", f"""\
---
title: "{_title(rng)}"
collection: talks
type: "{rng.choice(TALK_TYPES)}"
permalink: /talks/{day.isoformat()}-{slug}
venue: "{rng.choice(VENUES)}"
date: {day.isoformat()}
location: "{rng.choice(PLACES)}"
---
{body(rng, rng.randint(1600, 2800))}"""


def post(number: int, seed: int = 0) -> tuple[str, str]:
    rng = random.Random(seed * 300_007 + number)
    day = _day(rng)
    tags = "\n".join(f"  - {rng.choice(WORDS)}" for _ in range(rng.randint(1, 3)))
    return f"_posts/{day.isoformat()}-post-{number:04d}.md", f"""\
---
title: '{_title(rng)}'
date: {day.isoformat()}
permalink: /posts/{day.year}/{day.month:02d}/post-{number:04d}/
tags:
{tags}
---
{body(rng, rng.randint(1600, 3200))}"""


def teaching(number: int, seed: int = 0) -> tuple[str, str]:
    rng = random.Random(seed * 400_009 + number)
    day = _day(rng)
    return f"_teaching/{day.year}-course-{number:04d}.md", f"""\
---
title: "Course {number}: {rng.choice(TOPICS).capitalize()}"
collection: teaching
type: "{rng.choice(('Undergraduate course', 'Graduate course', 'Workshop'))}"
permalink: /teaching/{day.year}-course-{number:04d}
venue: "University of Examples, Department of {rng.choice(('Statistics', 'Computing', 'Linguistics'))}"
date: {day.isoformat()}
location: "{rng.choice(PLACES)}"
---
{body(rng, rng.randint(1600, 2600))}"""


def portfolio(number: int, seed: int = 0) -> tuple[str, str]:
    rng = random.Random(seed * 500_009 + number)
    return f"_portfolio/portfolio-{number:04d}.md", f"""\
---
title: "Project {number}: {rng.choice(TOPICS)}"
excerpt: "{_sentence(rng, 6, 12)}<br/><img src='/images/500x300.png'>"
collection: portfolio
---
{body(rng, rng.randint(1600, 2600))}"""


def plain_page(number: int, seed: int = 0, *, revision: int = 0) -> tuple[str, str]:
    """A page of `_pages/` that reads nothing of the site: no page depends on it, it depends on nothing."""
    rng = random.Random(seed * 600_011 + number)
    note = f"\n\n*Edited: revision {revision}.*\n" if revision else ""
    return f"_pages/notes-{number:03d}.md", f"""\
---
title: "Notes {number}: {rng.choice(TOPICS)}"
permalink: /notes/{number:03d}/
author_profile: true
---

{body(rng, rng.randint(1600, 3200))}{note}"""


def cv_data(seed: int = 0, *, revision: int = 0) -> str:
    rng = random.Random(seed * 700_001)
    lines = ["education:"]
    for year, degree in ((2012, "Ph.D. in Statistics"), (2008, "M.S. in Computing"), (2006, "B.S. in Mathematics")):
        lines += [f'  - degree: "{degree}"', f'    institution: "University of {rng.choice(WORDS).capitalize()}"',
                  f"    year: {year}"]
    lines.append("work:")
    for start in range(2012, 2026, 2):
        role = rng.choice(("Researcher", "Lecturer", "Fellow"))
        lines += [f'  - years: "{start}-{start + 2}"', f'    role: "{role}"',
                  f'    place: "Institute of {rng.choice(WORDS).capitalize()}"', "    duties:"]
        lines += [f'      - "{_sentence(rng, 5, 10)}"' for _ in range(3)]
    lines.append("skills:")
    lines += [f'  - name: "{rng.choice(WORDS).capitalize()}"\n    detail: "{_sentence(rng, 3, 6)}"'
              for _ in range(8)]
    lines.append("service:")
    lines += [f'  - "Reviewer for {venue}"' for venue in VENUES]
    if revision:
        lines.append(f'  - "Programme committee, revision {revision}"')
    return "\n".join(lines) + "\n"


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80\x90\xa0" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> "
       b"endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def counts(pages: int) -> dict[str, int]:
    """How many files of each folder make exactly `pages` pages: 8% in _pages/ (at least the seven pages every
    site has: about, cv, four listings and the year archive), the rest shared out as SHARES says."""
    own = max(round(pages * 0.08), 7)
    rest = max(pages - own, 0)
    total = sum(share for _name, share in SHARES)
    exact = {name: rest * share / total for name, share in SHARES}
    found = {name: int(value) for name, value in exact.items()}
    for name in sorted(exact, key=lambda name: found[name] - exact[name])[:rest - sum(found.values())]:
        found[name] += 1  # largest remainders first
    found["pages"] = own
    return found


def site_files(pages: int = 500, seed: int = 0) -> dict[str, str | bytes]:
    """Every file of the repository, path -> content."""
    number_of = counts(pages)
    files: dict[str, str | bytes] = {
        "_config.yml": CONFIG, "_data/navigation.yml": NAVIGATION, "_data/cv.yml": cv_data(seed),
        "_pages/about.md": ABOUT + body(random.Random(seed), 2500),
        "_pages/cv.md": CV_PAGE, "_pages/year-archive.html": YEAR_ARCHIVE,
        "_pages/publications.md": LISTING.format(title="Publications", collection="publications",
                                                 include="archive-single.html"),
        "_pages/talks.html": LISTING.format(title="Talks and presentations", collection="talks",
                                            include="archive-single-talk.html"),
        "_pages/teaching.html": LISTING.format(title="Teaching", collection="teaching",
                                               include="archive-single.html"),
        "_pages/portfolio.html": LISTING.format(title="Portfolio", collection="portfolio",
                                                include="archive-single.html"),
        "images/profile.png": png(4, 4), "images/500x300.png": png(5, 3), "files/paper-example.pdf": PDF,
        "README.md": "A generated academic site for benchmarks.\n", "Gemfile": "source 'https://rubygems.org'\n",
    }
    for number in range(number_of["pages"] - 7):
        path, source = plain_page(number, seed)
        files[path] = source
    for name, make in (("publications", publication), ("talks", talk), ("posts", post), ("teaching", teaching),
                       ("portfolio", portfolio)):
        for number in range(number_of[name]):
            path, source = make(number, seed)
            files[path] = source
    return files


def build_zip(files: dict[str, str | bytes], top: str = TOP) -> bytes:
    """The repository as GitHub's "Download ZIP" makes it: one top folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(top + "/"), b"")
        for path, content in sorted(files.items()):
            archive.writestr(f"{top}/{path}", content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def site_zip(pages: int = 500, seed: int = 0) -> bytes:
    return build_zip(site_files(pages, seed))
