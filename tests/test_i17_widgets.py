"""Issue 17: Streamlit's built-in English does not show through: no 'Press Enter to submit form'
on the sign-in form, every date input shows YYYY-MM-DD rather than yyyy / mm / dd, every
multiselect has a placeholder of ours rather than 'Choose options', and every uploader keeps and
states its own limit rather than the server's '50MB per file'."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.apptest_util import AppEnv, app_env, new_app  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def _calls(name: str) -> list[tuple[str, ast.Call]]:
    found = []
    for path in [ROOT / "app.py", *(ROOT / "pages").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == name:
                found.append((f"{path.name}:{node.lineno}", node))
    return found


def test_every_date_input_sets_the_format() -> None:
    calls = _calls("date_input")
    assert len(calls) >= 10
    missing = [where for where, call in calls
               if not any(k.arg == "format" and isinstance(k.value, ast.Constant)
                          and k.value.value == "YYYY-MM-DD" for k in call.keywords)]
    assert missing == []


def test_the_sign_in_form_has_no_enter_to_submit_hint(app_env: AppEnv) -> None:  # noqa: F811
    at = new_app().run()
    assert not at.exception
    forms = [n for n in at.main if getattr(n, "type", None) == "form"] or list(at.get("form"))
    login = [f for f in forms if "login" in f.proto.form.form_id]
    assert login and all(not f.proto.form.enter_to_submit for f in login)


def test_every_multiselect_sets_its_placeholder() -> None:
    """Without one, Streamlit writes 'Choose options' (or 'No options to select') in English."""
    calls = _calls("multiselect")
    assert len(calls) >= 15
    missing = [where for where, call in calls
               if not any(k.arg == "placeholder" for k in call.keywords)]
    assert missing == []


def test_every_uploader_states_the_limit_it_keeps() -> None:
    """Streamlit's uploader says '200MB per file' (server.maxUploadSize) unless the field sets its
    own; the label says the same limit in the user's language (t(..., limit=<the same value>))."""
    calls = _calls("file_uploader")
    assert len(calls) >= 6
    wrong = []
    for where, call in calls:
        size = next((k.value for k in call.keywords if k.arg == "max_upload_size"), None)
        label = call.args[0] if call.args else None
        said = next((k.value for k in label.keywords if k.arg == "limit"), None) \
            if isinstance(label, ast.Call) else None
        if size is None or said is None or ast.dump(size) != ast.dump(said):
            wrong.append(where)
    assert wrong == []


def test_no_form_says_press_enter_to_submit() -> None:
    """Streamlit writes 'Press Enter to submit form' under a form's text fields, in English
    whatever the language; every form of ours turns it off (a button submits)."""
    calls = [(where, call) for where, call in _calls("form")
             if isinstance(call.func, ast.Attribute) and getattr(call.func.value, "id", "") == "st"]
    assert len(calls) >= 20
    missing = [where for where, call in calls
               if not any(k.arg == "enter_to_submit" and isinstance(k.value, ast.Constant)
                          and k.value.value is False for k in call.keywords)]
    assert missing == []
