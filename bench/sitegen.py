"""Realistic profile pages, written by us, for benchmarks: the constructs academicpages sites use, at the size of
the seed pages (about 9 KB of HTML)."""

from __future__ import annotations

import random

TOPICS = ["reasoning", "alignment", "interpretability", "retrieval", "robustness", "multilinguality",
          "evaluation", "efficiency", "speech", "vision-language", "privacy", "fairness"]
VENUES = ["ACL", "EMNLP", "NAACL", "NeurIPS", "ICML", "ICLR", "TACL", "COLING", "AAAI", "IJCAI"]


def profile_page(seed: int, name: str) -> bytes:
    rng = random.Random(seed)
    topics = rng.sample(TOPICS, 3)
    lines = [
        "---", "permalink: /", f'title: "{name}"', "author_profile: true", "nav_order: 1",
        "redirect_from:", "  - /about/", "  - /about.html", "---", "",
        f"I am a researcher working on **{topics[0]}**, *{topics[1]}* and {topics[2]} of language models. "
        f"Before that I studied at the University of Examples. You can find my [CV]({{{{ base_path }}}}/files/cv.pdf) "
        "here, and my code on [GitHub](https://github.com/example).", "",
        "## Research interests", "",
    ]
    lines += [f"- **{topic.capitalize()}**: how models learn {topic} from little data.\n"
              f"  - Sub-topic {i}: benchmarks and methods" for i, topic in enumerate(topics)]
    lines += ["", "## News", ""]
    for i in range(45):
        venue = rng.choice(VENUES)
        lines.append(f"- <font color=\"red\">**[{(i % 12) + 1:02d}/2026]**</font> Paper {seed}-{i} accepted at "
                     f"{venue} 2026 [[paper]](https://arxiv.org/abs/2601.{seed % 10000:05d}) "
                     f"[[code]](https://github.com/example/p{i})")
    lines += ["", "## Selected publications", "", "| Year | Venue | Title |", "| ---- | ----- | ----- |"]
    for i in range(12):
        lines.append(f"| {2026 - i // 3} | {rng.choice(VENUES)} | A study of {rng.choice(TOPICS)} number {i} |")
    lines += ["", "## Teaching", "", "1. Introduction to NLP (Fall 2025)", "2. Seminar on language models", "",
              "> \"Simple things should be simple.\"", "{: .notice}", ""]
    return "\n".join(lines).encode()


def secondary_page(seed: int, slug: str, order: int) -> bytes:
    rng = random.Random(seed * 31 + order)
    items = "\n".join(f"{i + 1}. *Paper title {i}* with co-authors, {rng.choice(VENUES)} {2026 - i}."
                      for i in range(20))
    return (f'---\ntitle: "{slug.capitalize()}"\npermalink: /{slug}/\nnav_order: {order}\n---\n\n'
            f"## {slug.capitalize()}\n\n{items}\n").encode()


SECONDARY = ("publications", "talks", "teaching", "software")
