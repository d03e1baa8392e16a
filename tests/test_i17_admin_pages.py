"""Issue 17: the administration pages show labels, never raw codes, in both languages."""

from __future__ import annotations

import json
import re

from tests.apptest_util import AppEnv, app_env  # noqa: F401
from tests.test_leads_pages import _open, _world, env  # noqa: F401

CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|^\*$")


def _shown_options(at) -> list[str]:  # type: ignore[no-untyped-def]
    """What a person sees in the editors' dropdowns (the format_func applied to each option)."""
    shown: list[str] = []
    for frame in at.dataframe:
        for column in json.loads(frame.proto.columns).values():
            config = column.get("type_config", {})
            if config.get("type") == "selectbox":
                shown += [o["label"] if isinstance(o, dict) else str(o)
                          for o in config["options"]]
    return shown


def test_dispatch_rules_and_deadlines_show_labels_not_codes(env: AppEnv) -> None:  # noqa: F811
    at = _open(_world(env)["admin"], "admin_rules")
    assert not at.exception
    shown = _shown_options(at)
    assert "社区民警" in shown and "任意类别" in shown and "特急" in shown
    raw = [o for o in shown if CODE.search(o)]
    assert raw == []
    captions = " ".join(c.value for c in at.caption)
    assert "community" not in captions and "「*」" not in captions
    at.session_state["lang"] = "en"
    at.run()
    shown = _shown_options(at)
    assert "Any category" in shown and [o for o in shown if CODE.search(o)] == []
