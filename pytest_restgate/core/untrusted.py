"""Provider text is untrusted: make it storable, printable and free of credentials.

Why one module: a provider (or a proxy in front of it) can return any string, and the same three guards apply
wherever it goes. `scrub_surrogates` makes a string encodable (a lone surrogate from a JSON `"\\ud800"` escape
cannot be written as UTF-8: it used to abort the run); `printable` strips what a terminal, JUnit XML or an HTML
page would act on (ANSI CSI/OSC sequences, BEL, other C0/C1 controls); `redact_url` and `redact_urls` hide
credentials a user put in `--api-base`. results.jsonl keeps the raw text (JSON-escaped); the others get these.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI (ESC [ or the C1 form): colours, cursor moves, clear screen
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"  # OSC: window title, OSC-8 hyperlinks
    r"|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c\n]*(?:\x1b\\|\x9c)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?"  # any other escape (two-character forms), or a lone ESC
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 controls but tab and newline, DEL, and C1 controls."""
SECRET_PARAMS = frozenset({
    "key", "api_key", "apikey", "api-key", "token", "access_token", "auth", "authorization", "sig", "signature",
    "secret", "password", "pass", "pwd", "code", "x-api-key", "session", "credential", "credentials",
})
"""Query parameters whose value is redacted (compared lower-case)."""
REDACTED = "***"
_URL_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{0,31}://)[^/\s@?#]{1,2048}@")
"""Bounded repetitions: on a 1 MB reply of letters an unbounded scheme made the search quadratic."""
_URL_SECRET_PARAM = re.compile(
    r"(?P<sep>[?&;])(?P<name>" + "|".join(re.escape(p) for p in sorted(SECRET_PARAMS, key=len, reverse=True))
    + r")=(?P<value>[^&#\s'\"]+)",
    re.IGNORECASE,
)


_SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL", re.IGNORECASE)
"""Environment variables whose value is a secret wherever it appears."""
MIN_SECRET = 8
"""Shorter values are not redacted: replacing every `abc` in a reply would corrupt answers, not hide a key."""


def secret_values(names: Iterable[str] = (), urls: Iterable[str | None] = ()) -> frozenset[str]:
    """The secret values in use: secret-looking environment variables, the variables in `names` (the resolved
    provider's key variables, whatever they are called), and the credentials inside `urls` (userinfo, secret
    query values), raw and percent-decoded."""
    found = {v for k, v in os.environ.items() if _SECRET_NAME.search(k)}
    found.update(os.environ.get(name, "") for name in names)
    for url in urls:
        found.update(url_credentials(url or ""))
    found = {v.strip() for v in found} | {unquote(v.strip()) for v in found}
    return frozenset(v for v in found if len(v) >= MIN_SECRET)


def url_credentials(url: str) -> set[str]:
    """The credentials inside `url`: its userinfo (whole, user, password) and secret query values."""
    try:
        parts = urlsplit(url)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return set()
    found = {v for k, v in pairs if k.lower() in SECRET_PARAMS}
    if "@" in parts.netloc:
        userinfo = parts.netloc.rsplit("@", 1)[0]
        found.update({userinfo, *userinfo.split(":", 1)})
    return found


def redact_secrets(text: str, secrets: Iterable[str] | None = None) -> str:
    """`text` with every secret value in use replaced by `***`, and every URL's credentials too.

    The one redaction of the project: error messages, replies (a proxy that echoes the `Authorization`
    header), and whatever else is written to a file or a page go through it. `secrets` defaults to
    `secret_values()`; a caller that redacts many texts computes it once. Longest values first, so a key
    that contains another is hidden whole.
    """
    values = secret_values() if secrets is None else secrets
    for value in sorted(values, key=len, reverse=True):
        if value in text:
            text = text.replace(value, REDACTED)
    return redact_urls(text)


def scrub_surrogates(text: str) -> tuple[str, bool]:
    """`text` with each lone surrogate replaced by U+FFFD, and whether any was."""
    cleaned, n = _SURROGATE.subn("\ufffd", text)
    return cleaned, n > 0


def printable(text: str, *, newlines: bool = True) -> str:
    """`text` without escape sequences or control characters (tab kept; newlines kept unless `newlines=False`,
    when they become spaces); lone surrogates become U+FFFD, so the result always encodes."""
    text = _ESCAPE_SEQUENCE.sub("", scrub_surrogates(text)[0])
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text if newlines else " ".join(text.split("\n"))


def redact_url(url: str | None) -> str | None:
    """`url` with its userinfo (`user:KEY@`) and secret-looking query values replaced by `***`.

    Never raises: a URL that does not parse is redacted by pattern instead.
    """
    if not url:
        return url
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            query = urlencode(
                [(k, REDACTED if k.lower() in SECRET_PARAMS else v) for k, v in pairs], safe="*"
            )
        return urlunsplit(parts._replace(netloc=netloc, query=query))
    except ValueError:
        return redact_urls(url)


def redact_urls(text: str) -> str:
    """Every URL in free text (an error message) with userinfo and secret query values redacted."""
    text = _URL_USERINFO.sub(lambda m: f"{m['scheme']}{REDACTED}@", text)
    return _URL_SECRET_PARAM.sub(lambda m: f"{m['sep']}{m['name']}={REDACTED}", text)


__all__ = [
    "REDACTED", "SECRET_PARAMS", "printable", "redact_secrets", "redact_url", "redact_urls", "scrub_surrogates",
    "secret_values",
    "url_credentials",
]
