"""Long C calls that release the GIL run in gevent's thread pool in the serving process.

One gevent process serves every phone: a password check (scrypt, 100–150 ms of CPU on these machines)
run on the event loop would stop every room for that long at each sign-in. hashlib's scrypt and pbkdf2
release the GIL, so in a native thread they let the loop go on. Elsewhere (the CLI, the test clients)
the call runs where it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

import gevent
from gevent import monkey

Params = ParamSpec("Params")
Result = TypeVar("Result")


def off_the_loop(call: Callable[Params, Result], *args: Params.args, **kwargs: Params.kwargs) -> Result:
    """`call(*args, **kwargs)`, in the hub's thread pool when this process is a gevent server."""
    if not monkey.is_module_patched("socket"):
        return call(*args, **kwargs)
    return gevent.get_hub().threadpool.apply(call, args, kwargs)
