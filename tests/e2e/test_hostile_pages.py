"""The whole XSS corpus, published and opened in a real browser, every element hovered, focused and clicked:
no script runs and nothing is requested from another host."""

from factories import publish
from xss_corpus import FRONT_MATTER_VECTORS, all_body_vectors

PER_PAGE = 40
PREVENT_NAVIGATION = """() => document.addEventListener('click', event => event.preventDefault(), true)"""
POKE_EVERYTHING = """() => {
  for (const element of document.querySelectorAll('[data-page-body] *, .page__title, .author *')) {
    for (const type of ['mouseover', 'mouseenter', 'focus', 'focusin', 'click', 'dblclick', 'dragstart',
                        'toggle', 'animationstart', 'transitionend', 'pointerdown']) {
      element.dispatchEvent(new Event(type, {bubbles: true}));
    }
    if (element.focus) element.focus();
  }
  return document.querySelectorAll('[data-page-body] *').length;
}"""


def test_the_corpus_runs_no_script_in_a_browser(new_page, make_user):
    alice = make_user("alice")
    vectors = all_body_vectors()
    chunks = [vectors[start:start + PER_PAGE] for start in range(0, len(vectors), PER_PAGE)]
    for number, chunk in enumerate(chunks):
        body = "\n\n".join(chunk)
        publish(alice, f"---\npermalink: /x{number}/\nauthor_profile: true\n---\n{body}\n".encode(), f"x{number}.md")
    for number, (field, value) in enumerate(FRONT_MATTER_VECTORS):
        publish(alice, f"---\npermalink: /fm{number}/\nnav_order: {number}\n{field}: {value}\n---\nBody\n".encode(),
                f"fm{number}.md")
    page = new_page()
    paths = [f"/alice/x{n}/" for n in range(len(chunks))] + [f"/alice/fm{n}/" for n in range(len(FRONT_MATTER_VECTORS))]
    for path in paths:
        page.goto(page.base + path)
        page.evaluate(PREVENT_NAVIGATION)
        page.evaluate(POKE_EVERYTHING)
        page.mouse.move(5, 5)
        page.wait_for_timeout(50)
        assert page.url == page.base + path
    assert page.dialogs == [], page.dialogs
    assert page.foreign == [], page.foreign
    assert page.evaluate("typeof window.__xss") == "undefined"
