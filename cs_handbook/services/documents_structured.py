"""The structured part of a document (duties, situations, procedures, facts) as form data and back.

A version keeps these in `data` in the shape of the content files
(docs/content-format.md); the daily drill and the QA etiquette check read
that shape, so a web edit must write it exactly: keys in the files' order,
optional keys (`forbidden`, `note`, `manner`) only when they say something,
and a list that becomes empty dropped rather than kept as `[]`. Unchanged
content therefore exports byte for byte as it was loaded.
"""

import re

from ..i18n import _

# The situations a script set may cover. The first seven are the ones every
# agent meets; the rest are the ones the default content also uses.
SITUATIONS = {
    "greeting": _("Greeting"),
    "closing": _("Closing"),
    "apology": _("Apology"),
    "hold": _("Asking to hold"),
    "transfer": _("Transfer"),
    "escalation": _("Escalation"),
    "phone-opening": _("Phone opening"),
    "forbidden": _("Forbidden wording"),
    "forbidden-attitude": _("Forbidden attitude"),
    "courtesy": _("Everyday courtesy"),
    "accept-feedback": _("Accepting feedback"),
    "next-step": _("Next step and time limit"),
    "callback": _("Callback"),
    "after-sales-conduct": _("After-sales conduct"),
    "on-site-service": _("On-site service"),
    "car-inspection": _("Vehicle inspection"),
    "work-order-confirmation": _("Work order confirmation"),
    "delay-notice": _("Delay notice"),
    "repair-handover": _("Repair handover"),
}
DEPARTMENTS = {"large": _("Customer retention centre (large)"), "small": _("Customer service department (small)"),
               "general": _("General")}
KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def situation_keys(data: dict | None) -> list[str]:
    """Keys a form may offer: the catalogue, plus any a loaded file used (so it stays editable)."""
    keys = list(SITUATIONS)
    for situation in (data or {}).get("situations") or ():
        key = str(situation.get("key", ""))
        if key and key not in keys:
            keys.append(key)
    return keys


def _number_text(value) -> str:
    return "" if value is None else str(value)


def _number(text: str):
    # The drill asks for facts as numbers: keep 60 an int, 1.5 a float, as the files have them.
    return int(text) if re.fullmatch(r"-?\d+", text) else float(text)


def to_appstruct(data: dict | None) -> dict:
    """The form's values for a version's `data`."""
    data = data or {}
    return {
        "position": str(data.get("position") or ""),
        "position_name": str(data.get("position_name") or ""),
        "department": str(data.get("department") or ""),
        "duties": [str(d) for d in data.get("duties") or ()],
        "situations": [{"key": str(s.get("key", "")), "title": str(s.get("title") or ""),
                        "manner": str(s.get("manner") or ""),
                        "phrases": [{"text": str(p.get("text") or ""), "forbidden": bool(p.get("forbidden")),
                                     "note": str(p.get("note") or "")} for p in s.get("phrases") or ()]}
                       for s in data.get("situations") or ()],
        "procedures": [{"key": str(p.get("key", "")), "title": str(p.get("title") or ""),
                        "steps": [str(s) for s in p.get("steps") or ()]} for p in data.get("procedures") or ()],
        "facts": [{"key": str(f.get("key", "")), "label": str(f.get("label") or ""),
                   "value": _number_text(f.get("value")), "unit": str(f.get("unit") or "")}
                  for f in data.get("facts") or ()],
    }


def _set(data: dict, key: str, value) -> None:
    if value:
        data[key] = value
    else:
        data.pop(key, None)


def from_appstruct(appstruct: dict, base: dict | None, kind: str) -> dict:
    """`base` with the structured keys the form for `kind` edits replaced by the form's values."""
    data = dict(base or {})
    if kind == "role":
        _set(data, "position", appstruct["position"])
        _set(data, "position_name", appstruct["position_name"])
        _set(data, "department", appstruct["department"])
        _set(data, "duties", list(appstruct["duties"]))
    if kind == "scripts":
        situations = []
        for s in appstruct["situations"]:
            situation = {"key": s["key"], "title": s["title"]}
            if s["manner"]:
                situation["manner"] = s["manner"]
            phrases = []
            for p in s["phrases"]:
                phrase = {"text": p["text"]}
                if p["forbidden"]:
                    phrase["forbidden"] = True
                if p["note"]:
                    phrase["note"] = p["note"]
                phrases.append(phrase)
            situation["phrases"] = phrases
            situations.append(situation)
        _set(data, "situations", situations)
    _set(data, "procedures", [{"key": p["key"], "title": p["title"], "steps": list(p["steps"])}
                              for p in appstruct["procedures"]])
    facts = []
    for f in appstruct["facts"]:
        fact = {"key": f["key"], "label": f["label"], "value": _number(f["value"])}
        if f["unit"]:
            fact["unit"] = f["unit"]
        facts.append(fact)
    _set(data, "facts", facts)
    return data


def as_text(data: dict | None, labels) -> str:
    """The structured part as lines, for the side-by-side diff (`labels(msgid)` translates headings)."""
    data = data or {}
    lines = []
    if data.get("position_name") or data.get("position"):
        lines.append(f"{labels(_('Position'))}: {data.get('position_name', '')} ({data.get('position', '')})")
    for number, duty in enumerate(data.get("duties") or (), start=1):
        lines.append(f"{labels(_('Duty'))} {number}. {duty}")
    for s in data.get("situations") or ():
        lines.append(f"{labels(_('Situation'))}: {s.get('title', '')} [{s.get('key', '')}]")
        if s.get("manner"):
            lines.append(f"  {labels(_('Manner'))}: {s['manner']}")
        for p in s.get("phrases") or ():
            mark = f" [{labels(_('Forbidden'))}]" if p.get("forbidden") else ""
            note = f" — {p['note']}" if p.get("note") else ""
            lines.append(f"  · {p.get('text', '')}{mark}{note}")
    for p in data.get("procedures") or ():
        lines.append(f"{labels(_('Procedure'))}: {p.get('title', '')} — " + " → ".join(map(str, p.get("steps") or ())))
    for f in data.get("facts") or ():
        lines.append(f"{labels(_('Fact'))}: {f.get('label', '')} = {f.get('value', '')}{f.get('unit', '')}")
    return "\n".join(lines)
