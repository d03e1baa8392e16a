"""Issue 14, finding 9: the secret-key check refuses word-made and low-entropy keys; the
shipped reverse-proxy configuration closes /_stcore/metrics, adds CSP and frame headers and
keeps the websocket (parsed here, directive by directive)."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import streamlit

from db.settings import ConfigError, load_settings, secret_bits

ROOT = Path(__file__).resolve().parent.parent
NGINX = ROOT / "deploy" / "nginx" / "pingan.conf"

WEAK = ["please-change-this-secret-key-now", "Please_Change_This_Secret_Key_Now",
        "pleasechangethissecretkeynow1234", "abcdefghijklmnopqrstuvwxyz0123456789",
        "the-secret-key-of-the-pingan-app-in-production", "0123456789012345678901234567890123",
        "change-me-change-me-change-me-change-me"]


@pytest.mark.parametrize("key", WEAK)
def test_word_made_and_low_entropy_keys_are_refused(key: str, tmp_path: Path) -> None:
    settings = load_settings({"PINGAN_SECRET_KEY": key, "PINGAN_DATA_DIR": str(tmp_path)})
    with pytest.raises(ConfigError) as err:
        settings.secret_key()
    assert err.value.setting == "PINGAN_SECRET_KEY" and "random" in err.value.problem


def test_random_keys_are_accepted(tmp_path: Path) -> None:
    keys = [secrets.token_urlsafe(48) for _ in range(2000)] + [secrets.token_hex(32)
                                                              for _ in range(2000)]
    for key in keys:
        env = {"PINGAN_SECRET_KEY": key, "PINGAN_DATA_DIR": str(tmp_path)}
        assert load_settings(env).secret_key() == key
    print(f"\nsecret key: lowest estimate of 4,000 random keys {min(map(secret_bits, keys)):.0f} "
          f"bits; 'please-change-this-secret-key-now' "
          f"{secret_bits('please-change-this-secret-key-now'):.0f} bits (floor 100)")


# A small nginx parser: directives end with ';', blocks are 'name args { ... }'.
@dataclass
class Block:
    name: str
    args: list[str]
    directives: list[list[str]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def values(self, name: str) -> list[list[str]]:
        return [d[1:] for d in self.directives if d[0] == name]


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[{};]|[^\s{};"\']+')


def parse(text: str) -> Block:
    text = re.sub(r"(?m)#.*$", "", text)
    root, stack, words = Block("root", []), [], []
    node = root
    for token in _TOKEN.findall(text):
        if token == "{":
            child = Block(words[0], words[1:])
            node.blocks.append(child)
            stack.append(node)
            node, words = child, []
        elif token == "}":
            assert not words, f"unterminated directive {words}"
            node = stack.pop()
        elif token == ";":
            node.directives.append(words)
            words = []
        else:
            words.append(token[1:-1] if token[0] in "\"'" else token)
    assert not stack and not words, "unbalanced braces"
    return root


@pytest.fixture(scope="module")
def https() -> Block:
    http = parse(NGINX.read_text(encoding="utf-8"))
    servers = [b for b in http.blocks if b.name == "server"]
    return next(s for s in servers if any("443" in v[0] for v in s.values("listen")))


def _location(server: Block, path: str) -> Block:
    """The location nginx picks for `path`: exact (=), then the longest prefix; ^~ wins."""
    exact = [b for b in server.blocks if b.name == "location" and b.args[:1] == ["="]
             and b.args[1] == path]
    if exact:
        return exact[0]
    prefixes = [b for b in server.blocks if b.name == "location"
                and b.args[-1] != "=" and path.startswith(b.args[-1]) and
                (len(b.args) == 1 or b.args[0] == "^~")]
    assert not [b for b in server.blocks if b.name == "location" and b.args[0] in {"~", "~*"}]
    return max(prefixes, key=lambda b: len(b.args[-1]))


def _headers(server: Block) -> dict[str, str]:
    found = {}
    for args in server.values("add_header"):
        assert args[-1] == "always", f"{args[0]} not sent on error pages"
        found[args[0].lower()] = args[1]
    return found


def test_metrics_are_closed(https: Block) -> None:
    for path in ["/_stcore/metrics", "/_stcore/metrics/", "/_stcore/metricsx"]:
        where = _location(https, path)
        assert where.values("return")[0][0] in {"403", "404"} and not where.values("proxy_pass")
    assert _location(https, "/_stcore/health").values("proxy_pass")  # the control


def test_csp_and_frame_headers_are_added_and_never_dropped(https: Block) -> None:
    headers = _headers(https)
    csp = dict((p.split()[0], p.split()[1:]) for p in headers["content-security-policy"]
               .split(";") if p.strip())
    assert csp["frame-ancestors"] == ["'none'"] and headers["x-frame-options"] == "DENY"
    assert csp["object-src"] == ["'none'"] and csp["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"]
    for directive in ("img-src", "connect-src", "script-src", "font-src", "style-src"):
        # offline, and no picture in user text can call another server
        assert not [s for s in csp[directive] if re.match(r"(https?:|wss?:|\*|[a-z0-9.-]+\.)",
                                                          s)], directive
    assert headers["x-content-type-options"] == "nosniff"
    # nginx drops the server's add_header in a location that has its own: none may.
    assert all(not b.values("add_header") for b in https.blocks if b.name == "location")


def test_the_csp_allows_streamlits_own_inline_script(https: Block) -> None:
    """Upgrading Streamlit changes its index.html: this says the hash must follow."""
    index = (Path(streamlit.__file__).parent / "static" / "index.html").read_text()
    inline = re.findall(r"<script>(.*?)</script>", index, re.S)
    csp = _headers(https)["content-security-policy"]
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_the_websocket_is_proxied_with_upgrade(https: Block) -> None:
    stream = _location(https, "/_stcore/stream")
    assert stream.values("proxy_http_version") == [["1.1"]]
    headers = {a[0].lower(): a[1] for a in stream.values("proxy_set_header")}
    assert headers["upgrade"] == "$http_upgrade" and headers["connection"] == "$connection_upgrade"
    timeout = stream.values("proxy_read_timeout")[0][0]
    assert int(timeout.rstrip("s")) >= 3600  # an open page keeps its socket


def test_the_proxy_matches_the_app_settings(https: Block) -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]
    http = parse(NGINX.read_text(encoding="utf-8"))
    upstream = next(b for b in http.blocks if b.name == "upstream")
    assert upstream.values("server")[0][0] == f"127.0.0.1:{config['port']}"
    assert https.values("client_max_body_size") == [[f"{config['maxUploadSize']}m"]]
    assert config["address"] in {"localhost", "127.0.0.1"}  # reachable only through the proxy
