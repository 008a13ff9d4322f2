"""How close our rendering is to kramdown's (GitHub Pages) on the shared corpus.

    .venv/bin/python bench/fidelity.py [--corpus ../shared/corpus] [-v]

Renders every page of the corpus through the real pipeline and scores it against NAME.kramdown.html with
shared/tools/md_fidelity.py. Prints a table, the mean and the minimum. Asserts nothing.

Normalised before scoring, because they are deliberate: pages are rendered with an empty tenant base (no
'/<username>' prefix on links) and the 'user-content-' prefix of ids and anchors is removed; the reference was
rendered without Jekyll, so its literal Liquid ('{{ post.title }}') is removed and its links resolved by the
same rules as ours ('images/x.png' -> '/images/x.png'). On the seed with mojibake, the reference is compared
after the same ftfy repair (it was rendered from the raw bytes).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from lxml import html as lxml_html

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from profilehost.publishing import PublishError, publish_source  # noqa: E402
from profilehost.publishing.decode import repair_mojibake  # noqa: E402
from profilehost.publishing.links import resolve_url  # noqa: E402

TARGET_MEAN, TARGET_MIN = 0.97, 0.90
# The references were rendered by kramdown alone, so their Liquid is still there as text; Jekyll would have run it.
OTHER_TAGS = re.compile(r"\{%.*?%\}|\{\{.*?\}\}")


def sources(corpus: Path) -> list[tuple[Path, Path]]:
    pairs = []
    for source in sorted([*corpus.glob("seeds/*.txt"), *corpus.glob("real/*.md")]):
        reference = source.with_name(source.stem + ".kramdown.html")
        if reference.exists():
            pairs.append((source, reference))
    return pairs


def candidate_html(source: Path) -> str:
    rendered = publish_source(source.read_bytes(), filename=source.name.split("___")[-1], tenant_base="")
    return rendered.body_html.replace("#user-content-", "#").replace('id="user-content-', 'id="')


def normalise_reference(reference: str) -> str:
    """Jekyll would have run the Liquid and we resolve links: do both to the reference, nothing else."""
    root = lxml_html.fragment_fromstring(reference, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        element.text = OTHER_TAGS.sub("", element.text) if element.text else element.text
        element.tail = OTHER_TAGS.sub("", element.tail) if element.tail else element.tail
        for name in ("href", "src"):
            if element.get(name) is not None and not element.get(name).startswith("#"):
                element.set(name, resolve_url(OTHER_TAGS.sub("", element.get(name)), ""))
    return "".join(lxml_html.tostring(child, encoding="unicode") for child in root) if len(root) else reference


def score(tool: Path, reference: str, candidate: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        ref_file, cand_file = Path(folder) / "ref.html", Path(folder) / "cand.html"
        ref_file.write_text(reference)
        cand_file.write_text(candidate)
        output = subprocess.run([sys.executable, str(tool), str(ref_file), str(cand_file), "--json"],
                                capture_output=True, text=True, check=True).stdout
    return json.loads(output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every feature's score")
    args = parser.parse_args()
    tool = args.corpus.parent / "tools" / "md_fidelity.py"
    print(__doc__.split("\n\n")[2].replace("\n", " "))
    print()
    scores = []
    for source, reference_file in sources(args.corpus):
        reference = reference_file.read_text()
        if source.parent.name == "seeds":
            reference = repair_mojibake(reference)
        reference = normalise_reference(reference)
        try:
            result = score(tool, reference, candidate_html(source))
        except PublishError as refused:
            print(f"{source.name[:60]:<60} refused: {refused.message}")
            scores.append(0.0)
            continue
        scores.append(result["score"])
        features = {name: value for name, value in result.get("features", {}).items()
                    if isinstance(value, int | float) and name not in ("leaked_markup", "text_loose")}
        weakest = sorted(features.items(), key=lambda item: item[1])[:3]
        detail = features if args.verbose else dict(weakest)
        print(f"{source.name[:60]:<60} {result['score']:.3f}  " + " ".join(f"{k}={v:.2f}" for k, v in detail.items()))
    print()
    print(f"pages {len(scores)}  mean {statistics.mean(scores):.3f} (target >= {TARGET_MEAN})  "
          f"min {min(scores):.3f} (target >= {TARGET_MIN})")


if __name__ == "__main__":
    main()
