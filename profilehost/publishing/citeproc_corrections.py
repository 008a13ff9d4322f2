"""Where citeproc-py writes what the CSL specification (1.0.2) does not, corrected: a researcher's list shows it.

- Text case: capitalize-first and capitalize-all change a word only "if the word is lowercase"; citeproc-py
  changed any, and APA wrote 'ArXiv:2401.00002'.
- Group suppression: a <cs:group> is left out when it calls at least one variable and every variable it calls is
  empty. citeproc-py asked whether a child *could* call a variable, so a <cs:choose> whose taken branch wrote only a
  fixed word counted as a variable written: APA wrote every thesis as 'Thesis (Publication) [PhD thesis]'. Here
  the variables are counted as they are asked for and written, in the branch actually taken.

This module imports nothing of profilehost, so a test can apply it to citeproc-py in a process of its own and
compare with the sped-up copy in bibliography_html (which keeps these semantics).
"""

from __future__ import annotations

import threading

from citeproc import model
from citeproc.string import String

_COUNTS = threading.local()


def variables_counted() -> tuple[int, int]:
    """(variables asked for, variables written) so far in this thread."""
    return getattr(_COUNTS, "asked", 0), getattr(_COUNTS, "written", 0)


def _count(written: bool) -> None:
    _COUNTS.asked = getattr(_COUNTS, "asked", 0) + 1
    if written:
        _COUNTS.written = getattr(_COUNTS, "written", 0) + 1


def _counting(ask):
    def counted(element, *args, **kwargs):
        try:
            value = ask(element, *args, **kwargs)
        except model.VariableError:
            _count(False)
            raise
        _count(value is not None and str(value) != "")
        return value
    return counted


def _counting_text_variable(ask):
    def counted(element, item, context):
        if element.get("variable") in model.Text.generated_variables:
            return ask(element, item, context)
        return _counting(ask)(element, item, context)
    return counted


def group_process(element, item, context=None, *, children=None, **kwargs):
    """Group.process with the specification's rule for leaving a group out (`children`: the element's, when the
    caller has them listed already)."""
    output = []
    asked, written = variables_counted()
    delimiter = element.get("delimiter", "")
    for child in element.iterchildren() if children is None else children:
        try:
            if isinstance(child, model.Choose):
                text = child.render(item, context=context, delimiter=delimiter, **kwargs)
            else:
                text = child.render(item, context=context, **kwargs)
        except model.VariableError:
            continue
        if text is not None:
            output.append(text)
    return group_output(element, output, asked, written)


def group_output(element, output: list, asked: int, written: int):
    """The group's children joined, or VariableError when it is to be left out: it asked for variables since
    (asked, written) were counted and wrote none of them."""
    now_asked, now_written = variables_counted()
    if output and (now_asked == asked or now_written > written):
        return element.join(output)
    raise model.VariableError


def capitalize_first_if_lowercase(text: String, _capitalize=String.capitalize_first) -> String:
    words = text.split(None, 1)
    return _capitalize(text) if words and words[0].islower() else text


def apply() -> None:
    """Correct citeproc-py in this process (once)."""
    if getattr(model, "_profilehost_corrected", False):
        return
    model._profilehost_corrected = True
    String.capitalize_first = capitalize_first_if_lowercase
    model.Text._variable = _counting_text_variable(model.Text._variable)
    for kind in (model.Date, model.Number, model.Names):
        kind.process = _counting(kind.process)
    model.Group.process = group_process
