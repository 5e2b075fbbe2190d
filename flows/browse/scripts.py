"""The in-page scripts of the look (`flows/browse/js/*.js`), read from the package once.

A script may stand in for another by a placeholder comment, `/* common.js */`, which is
replaced by that file's text: `look.js` holds `facts.js` and `read.js`, and those hold the
helpers of `common.js`. Leading `//` comment lines are dropped.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

_PLACEHOLDER = re.compile(r"/\* (\w+\.js) \*/")


@cache
def script(name: str, package: str = "flows.browse") -> str:
    """The text of `js/<name>` in `package`, its placeholders filled in (from the same
    package); FileNotFoundError for no such file."""
    text = files(package).joinpath("js", name).read_text(encoding="utf-8")
    lines = text.splitlines()
    while lines and lines[0].lstrip().startswith("//"):
        lines.pop(0)
    return _PLACEHOLDER.sub(lambda m: script(m.group(1), package).strip(), "\n".join(lines))
