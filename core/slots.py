"""Places in one app's pages that apps above it fill in, without the lower app importing them.

``markets`` shows a token page; ``discussions`` (above it) wants its thread there. The token
template says ``{% slot "token-sections" %}`` and discussions registers, in its
``AppConfig.ready()``, ``slot_register("token-sections", "discussions/_token_thread.html")``:
the slot includes every registered template with the page's context, in registration order.

Rows shown in a list (dashboard members, list cards) get extra per-row data the same way:
``annotator_register("tokens", fn)`` and the view calls ``objects_annotate("tokens", rows)``;
each annotator sets attributes on all objects at once (one query per annotator, never per row).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

_templates: dict[str, list[str]] = defaultdict(list)
_annotators: dict[str, list[Callable[[Sequence], None]]] = defaultdict(list)


def slot_register(slot: str, template_name: str) -> None:
    if template_name not in _templates[slot]:
        _templates[slot].append(template_name)


def slot_templates(slot: str) -> list[str]:
    return list(_templates.get(slot, ()))


def annotator_register(kind: str, annotator: Callable[[Sequence], None]) -> None:
    if annotator not in _annotators[kind]:
        _annotators[kind].append(annotator)


def objects_annotate(kind: str, objects: Sequence) -> None:
    """Let every app registered for ``kind`` add its attributes to ``objects`` (in bulk)."""
    if not objects:
        return
    for annotator in _annotators.get(kind, ()):
        annotator(objects)
