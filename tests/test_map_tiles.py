"""The internal tile base layer (PINGAN_TILE_URL): absent without the setting, exactly the
template's URLs with it, a folder served by the app itself; a wrong setting refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.settings import ConfigError, Settings, load_settings
from services.cli import processes as worker_cli
from ui.maps import tiles as map_tiles

BOX = (106.38, 29.40, 106.55, 29.53)  # about the demo district
TEMPLATE = "http://10.1.2.3:8080/tiles/{z}/{x}/{y}.png"


def _conf(tmp_path: Path, tiles: str | None) -> Settings:
    env = {"PINGAN_DATA_DIR": str(tmp_path)}
    if tiles is not None:
        env["PINGAN_TILE_URL"] = tiles
    return load_settings(env)


def test_without_the_setting_there_is_no_tile_layer(tmp_path: Path) -> None:
    conf = _conf(tmp_path, None)
    assert map_tiles.template(conf) is None
    assert map_tiles.tile_layers(BOX, conf) == []


def test_with_a_template_each_tile_is_the_templates_url(tmp_path: Path) -> None:
    conf = _conf(tmp_path, TEMPLATE)
    layers = map_tiles.tile_layers(BOX, conf)
    assert 1 <= len(layers) <= map_tiles.MAX_TILES
    zooms = set()
    west, south, east, north = 180.0, 90.0, -180.0, -90.0
    for layer in layers:
        _, z, x, y = layer.id.split("_")
        zooms.add(z)
        assert layer.type == "BitmapLayer" and layer.image == TEMPLATE.format(z=z, x=x, y=y)
        w, s, e, n = layer.bounds
        west, south, east, north = min(west, w), min(south, s), max(east, e), max(north, n)
    assert len(zooms) == 1 and int(zooms.pop()) >= 12  # one level, fine enough for a district
    assert west <= BOX[0] and south <= BOX[1] and east >= BOX[2] and north >= BOX[3]


def test_a_folder_of_tiles_is_served_by_the_app(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "tiles"
    folder.mkdir()
    conf = _conf(tmp_path, str(folder))
    assert map_tiles.template(conf) == "app/static/{z}/{x}/{y}.png"
    layer = map_tiles.tile_layers(BOX, conf)[0]
    assert layer.image.startswith("app/static/") and "http" not in layer.image
    monkeypatch.setenv("PINGAN_TILE_URL", str(folder))
    monkeypatch.setattr(worker_cli, "ROOT", tmp_path)
    assert worker_cli._tile_serving() == ["--server.enableStaticServing", "true"]
    assert (tmp_path / "static").resolve() == folder.resolve()
    monkeypatch.delenv("PINGAN_TILE_URL")
    assert worker_cli._tile_serving() == []


@pytest.mark.parametrize("value", ["http://tiles.internal/base.png", "ftp://x/{z}/{x}/{y}.png",
                                   "/no/such/folder", "http://t/{z}/{x}/{y}.png?'a'"])
def test_a_wrong_setting_is_refused_by_name(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _conf(tmp_path, value)
    assert caught.value.setting == "PINGAN_TILE_URL"
