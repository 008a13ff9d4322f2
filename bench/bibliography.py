"""A 500-entry bibliography from upload to live: parsed, formatted, stored and served.

    .venv/bin/python bench/bibliography.py [--entries 500] [--style apa]

Generates a .bib in the shapes Zotero, Google Scholar and DBLP export (accents, braces, @inproceedings, arXiv
@misc, al-folio's link fields), then times, each cold (nothing of the file remembered by any memo of the process):
parsing (bibtexparser + pylatexenc), formatting (citeproc-py), and the whole save through the service, which is
what an upload costs: parse, format, sanitize, store, and re-render the page that says {% bibliography %}, which
is then live. Then warm figures: a save with one entry changed (the others' citations and blocks remembered), a
change of style (every citation anew, the parse and the page's other blocks remembered), and the first requests
of the live pages. In-process, temporary SQLite (or PROFILEHOST_DATABASE_URL, an empty database). Wall time and
CPU time of this process, with the load average, since another process on the machine slows the wall figures.
The target for the cold save is under 1 s. A save shares its first formatting and its long sanitizing with
forked processes (PROFILEHOST_RENDER_PROCESSES, default the cores; =1 to compare with one). Asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import default_database, temporary_instance  # noqa: E402
from populate import bench_app, prepare_schema  # noqa: E402

FAMILIES = ["Lovelace", "M{\\\"u}ller", "Somerville", "Garc{\\'i}a", "Nakamura", "{\\O}sterg{\\aa}rd", "Okafor",
            "van der Berg", "Dubois", "Kowalski", "Zhang", "Fran{\\c{c}}ois"]
GIVEN = ["Ada", "J{\\\"o}rg", "Mary", "Luc{\\'i}a", "Haruki", "Sigrid", "Chidi", "Anna", "Claire", "Piotr", "Wei"]
VENUES = ["Journal of {Computing} History", "Nature Computing", "Proceedings of {ICMC}", "Engine Letters"]


def entry(number: int, rng: random.Random) -> str:
    authors = " and ".join(f"{rng.choice(FAMILIES)}, {rng.choice(GIVEN)}" for _ in range(rng.randint(1, 8)))
    year = rng.randint(1995, 2025)
    kind = number % 5
    common = (f"  author = {{{authors} and Lovelace, Ada}},\n  title = {{On {{Engines}} number {number}: "
              f"{{\\'E}}tudes and {{\\\"U}}bungen}},\n  year = {{{year}}},\n")
    if kind == 0:
        return (f"@article{{paper{number},\n{common}  journal = {{{rng.choice(VENUES)}}},\n"
                f"  volume = {{{number % 40}}},\n  number = {{{number % 4 + 1}}},\n"
                f"  pages = {{{number}--{number + 12}}},\n"
                f"  doi = {{10.5555/bench.{number}}},\n}}\n")
    if kind == 1:
        return (f"@inproceedings{{conf{number},\n{common}  booktitle = {{{rng.choice(VENUES)}}},\n"
                f"  pages = {{1--9}},\n  pdf = {{paper{number}.pdf}},\n  code = {{https://example.org/code/{number}}},\n}}\n")
    if kind == 2:
        return (f"@misc{{arxiv{number},\n{common}  eprint = {{2401.{number:05d}}},\n  archivePrefix = {{arXiv}},\n"
                f"  abstract = {{We study engines, {number} of them, with care.}},\n  bibtex_show = {{true}},\n}}\n")
    if kind == 3:
        return f"@phdthesis{{thesis{number},\n{common}  school = {{University of London}},\n}}\n"
    return f"@misc{{talk{number},\n{common}  type = {{Talk}},\n  howpublished = {{Invited talk}},\n}}\n"


def generated_bib(entries: int) -> bytes:
    rng = random.Random(20)
    return "\n".join(entry(number, rng) for number in range(entries)).encode()


def timed(what: str, action):
    started, cpu = time.perf_counter(), time.process_time()
    result = action()
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    print(f"{what:<62} {wall * 1000:8.1f} ms wall {used * 1000:8.1f} ms CPU")
    return result


def forget_everything() -> None:
    """Every memo the save goes through, emptied: the figures that follow are those of a file never seen."""
    from profilehost.publishing import bibliography as parsing
    from profilehost.publishing import bibliography_html, markdown, sanitize

    parsing._latex_text.cache_clear()
    bibliography_html._style.cache_clear()
    bibliography_html.CITATIONS.clear()
    sanitize.BLOCKS.clear()
    markdown.RENDERED.clear()


def load_average() -> str:
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg()) + f" ({os.cpu_count()} CPUs)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--style", default="apa")
    arguments = parser.parse_args()
    logging.disable(logging.INFO)  # the migrations' log lines

    from profilehost.publishing import cores
    from profilehost.publishing.bibliography import parse_bibliography
    from profilehost.publishing.bibliography_html import format_entries

    raw = generated_bib(arguments.entries)
    with temporary_instance() as instance:
        app = bench_app(default_database(instance), instance)  # which also says how many processes a save may use
        prepare_schema(app, reset=False)
        print(f"{arguments.entries} entries, {len(raw) / 1024:.0f} KiB of BibTeX, style {arguments.style}; "
              f"{cores.processes()} processes (PROFILEHOST_RENDER_PROCESSES); {load_average()}")
        parsed = timed("cold parse (bibtexparser, LaTeX decoded)", lambda: parse_bibliography(raw))
        timed(f"cold format ({arguments.style}, citeproc-py, citations sanitized)", lambda: format_entries(
            parsed.entries, style=arguments.style, own_names=["Ada Lovelace"]))
        _live(app, raw, arguments.style)
    print(load_average())


def _live(app, raw: bytes, style: str) -> None:
    from profilehost.extensions import db
    from profilehost.services import accounts, bibliography, pages

    with app.app_context():
        tenant = accounts.create_account("ada", "ada@example.org", "correct horse battery")
        tenant.profile.display_name = "Ada Lovelace"
        db.session.commit()
        pages.publish_upload(tenant, b"---\ntitle: Publications\npermalink: /publications/\n---\n{% bibliography %}\n",
                             "publications.md")
        if style != "apa":
            bibliography.save_settings(tenant, style, "")
        forget_everything()
        saved = timed("cold save and live (parse, format, sanitize, store, page)",
                      lambda: bibliography.save_bibliography(tenant, raw, source_name="papers.bib"))
        print(f"  {saved.entries} entries stored, {len(saved.rerendered)} page re-rendered, "
              f"{len(saved.missing)} incomplete")
        edited = raw.replace(b"On {Engines} number 7:", b"On {Engines} number seven:")
        timed("warm save with one entry changed", lambda: bibliography.save_bibliography(tenant, edited))
        timed("change of style (every citation anew)",
              lambda: bibliography.save_settings(tenant, "chicago-author-date" if style == "apa" else "apa", ""))
    client = app.test_client()
    page = timed("first GET /ada/publications/ (the list, live)", lambda: client.get("/ada/publications/"))
    print(f"  {page.status_code}, {len(page.data) / 1024:.0f} KiB, "
          f"{page.get_data(as_text=True).count('bibliography-entry')} entries shown")
    item = timed("first GET /ada/publication/paper0/ (an entry's page)", lambda: client.get("/ada/publication/paper0/"))
    whole = timed("GET /ada/publications.bib (the whole list)", lambda: client.get("/ada/publications.bib"))
    print(f"  entry page {item.status_code}; .bib {whole.status_code}, {len(whole.data) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
