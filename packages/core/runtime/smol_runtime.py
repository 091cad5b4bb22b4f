"""smol's Python runtime: the one program that runs the model's code in every smol executor.

It speaks the line protocol described in docs/executor-protocol.md over any pair of
functions that read and write one line: the real stdin/stdout under python3
(``python3 -u smol_runtime.py``), or JS functions handed in by the Deno runner under Pyodide
(``import smol_runtime; smol_runtime.serve(read_line, write_line)``).

Pure standard library; CPython 3.10+ and Pyodide. The import policy below is a second layer
only: the process boundary of the transport is the security.

It is deliberately one file: executors copy it as is into containers, remote sandboxes and
Pyodide's in-memory file system.
"""

from __future__ import annotations

import ast
import base64
import builtins
import collections
import datetime
import gc
import importlib
import importlib.util
import inspect
import io
import itertools
import json
import keyword
import linecache
import math
import os
import sys
import threading
import time
import traceback
import types

PROTOCOL_VERSION = 1
# One protocol line stays well under what the host accepts (a few MiB): a bigger message is
# replaced by a bounded one (see ``Runtime.send``).
MAX_LINE_CHARS = 4 * 1024 * 1024
# What one encoded value may hold: this many values (containers, scalars) and this many
# characters of text (strings, reprs, base64). Past either, the value is sent as a shortened
# repr instead: encoding stays cheap whatever the code built (``[{}] * 5_000_000``).
MAX_ENCODE_NODES = 100_000
MAX_ENCODE_CHARS = 2 * 1024 * 1024
MAX_REPR_CHARS = 100_000
# An error's message and traceback go to the model's context: keep them readable.
MAX_ERROR_TEXT_CHARS = 10_000
MAX_ENCODE_DEPTH = 100
# JavaScript numbers hold integers exactly up to 2**53 - 1; bigger ones travel as strings.
MAX_SAFE_INTEGER = 2**53 - 1
# What one get_variables reply may hold: values in all (a tagged value is up to four JSON values
# per Python value, and the host reads at most 200,000), JSON characters in all (under
# MAX_LINE_CHARS with room for the names), and names listed as not carried.
MAX_VARIABLE_NODES = 40_000
MAX_VARIABLES_JSON_CHARS = 3 * 1024 * 1024
MAX_UNCARRIED_NAMES = 1_000
TAG = "__smol_type__"
# One encoder for every protocol line: `json.dumps` with options builds a new one per call, which
# cost a tool call 4–12 µs of its ~25 µs of Python under Pyodide.
_LINE_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), allow_nan=False)
CURRENT_SNIPPET_NAME = "<code>"


class FinalAnswer(BaseException):
    """Raised by ``final_answer``. A BaseException, so ``except Exception`` does not catch it."""

    def __init__(self, value):
        super().__init__("final_answer() was called")
        self.value = value


class ToolError(Exception):
    """A host tool failed; the message is the tool's own error message."""

    def __init__(self, message, tool_name=None, error_type=None):
        super().__init__(message)
        self.tool_name = tool_name
        self.error_type = error_type


class _HostGone(BaseException):
    """The host closed the stream while the code waited for a tool result."""


class ProtocolError(Exception):
    """The host sent something this runtime cannot understand."""


# --------------------------------------------------------------------------------------------
# Values: JSON plus tagged types (see "Tagged values" in docs/executor-protocol.md)


def _qualified_type_name(value):
    # type(value), not value.__class__ (which the value controls); a metaclass can still make
    # __qualname__ or __module__ anything, so both are checked.
    kind = type(value)
    try:
        module = kind.__module__
        name = kind.__qualname__
        if not isinstance(name, str) or not isinstance(module, (str, type(None))):
            raise TypeError("not a name")
    except BaseException:
        return "object"
    name = name if len(name) <= 200 else name[:200] + "..."
    return name if module in ("builtins", None) else f"{module[:200]}.{name}"


def _safe_repr(value):
    try:
        text = repr(value)
        if type(text) is not str:  # a repr that returned a str subclass with its own methods
            text = str.__str__(text)
    except BaseException as error:  # a broken __repr__ must not break the protocol
        text = f"<{_qualified_type_name(value)} object (repr failed: {_type_name(error)})>"
    if len(text) > MAX_REPR_CHARS:
        text = text[:MAX_REPR_CHARS] + f"... [repr truncated, {len(text)} characters in all]"
    return text


def _type_name(error):
    """The class name of an exception, whatever its metaclass says."""
    try:
        name = type(error).__name__
        if isinstance(name, str):
            return str.__str__(name)[:200]
    except BaseException:
        pass
    return "Exception"


def _is_pil_image(value):
    module = getattr(type(value), "__module__", "") or ""
    return isinstance(module, str) and module.startswith("PIL.") and hasattr(value, "save") and hasattr(value, "size")


_CONTAINERS = frozenset((list, tuple, set, frozenset, dict))


class _ValueTooLarge(Exception):
    """The value holds more than one message may carry."""


class UnsendableValue(Exception):
    """The value's own methods (``__str__``, ``items()``, ``__iter__``, …) failed while it was encoded."""

    def __init__(self, value, error):
        super().__init__(
            f"the value (of type {_qualified_type_name(value)}) could not be sent to the host: "
            f"{_type_name(error)} raised while encoding it: {_shorten(_safe_str(error), 2_000)}"
        )
        self.error_type = _type_name(error)


def encode_value(value):
    """Turns a Python value into JSON-ready data, tagging what JSON cannot say.

    A value bigger than ``MAX_ENCODE_NODES`` values or ``MAX_ENCODE_CHARS`` characters becomes a
    shortened repr with a note. Raises ``UnsendableValue`` when the value's own methods raise.
    """
    # The common tool argument or result is a JSON value already, which the encoder would return
    # as it is: it goes at once (a tool call's arguments cost ~1 µs each instead of ~2).
    kind = type(value)
    if value is None or kind is bool or (kind is str and len(value) <= MAX_ENCODE_CHARS):
        return value
    if (kind is int and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER) or (kind is float and math.isfinite(value)):
        return value
    # The encoding makes many small objects and no cycle: without this, each collection would
    # walk everything the code built (half the time for a list of millions of dicts).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _Encoder().encode(value, 0)
    except _ValueTooLarge:
        return _too_large(value)
    except _HostGone:
        raise
    except BaseException as error:  # even a FinalAnswer or SystemExit raised by a __str__
        raise UnsendableValue(value, error) from None
    finally:
        if collecting:
            gc.enable()


class _Encoder:
    """One encoding: counts what it produced, so that a huge value costs no more than the caps."""

    max_nodes = MAX_ENCODE_NODES
    max_chars = MAX_ENCODE_CHARS

    def __init__(self):
        self.nodes = 0
        self.chars = 0
        self.active = set()

    def spend(self, chars=0):
        self.nodes += 1
        self.chars += chars
        if self.nodes > self.max_nodes or self.chars > self.max_chars:
            raise _ValueTooLarge()

    def text(self, text):
        self.spend(len(text))
        return text

    def repr_tag(self, value):
        text = _safe_repr(value)
        self.spend(len(text))
        return {TAG: "repr", "pythonType": _qualified_type_name(value), "repr": text}

    def encode(self, value, depth):
        if depth > MAX_ENCODE_DEPTH:
            return self.repr_tag(value)
        kind = type(value)
        if value is None or kind is bool:
            self.spend()
            return value
        if kind is str:
            return self.text(value)
        if kind in _CONTAINERS and id(value) not in self.active:  # the common case, first
            self.spend()
            if self.nodes + len(value) > self.max_nodes:  # too many items: known before any is encoded
                raise _ValueTooLarge()
            self.active.add(id(value))
            try:
                return self.container(value, depth + 1)
            finally:
                self.active.discard(id(value))
        # Subclasses of the JSON types travel as their plain value, through their own methods
        # (a failing __str__ or __float__ is the code's error, reported as such).
        if isinstance(value, str):
            text = str(value)
            return self.text(text if type(text) is str else str.__str__(text))
        if isinstance(value, int):
            number = int.__int__(value) if kind is int else int(value)
            number = int.__int__(number)
            if -MAX_SAFE_INTEGER <= number <= MAX_SAFE_INTEGER:
                self.spend()
                return number
            try:
                return {TAG: "int", "value": self.text(str(number))}
            except ValueError:  # more digits than int->str allows
                return {TAG: "repr", "pythonType": "int", "repr": self.text(f"<int of {number.bit_length()} bits>")}
        if isinstance(value, float):
            number = float.__float__(float(value))
            self.spend()
            if math.isnan(number):
                return {TAG: "float", "value": "nan"}
            if math.isinf(number):
                return {TAG: "float", "value": "inf" if number > 0 else "-inf"}
            return number
        if isinstance(value, (bytes, bytearray, memoryview)):
            data = bytes(value)
            self.spend(len(data) * 4 // 3)
            return {TAG: "bytes", "base64": base64.b64encode(data).decode("ascii")}
        if isinstance(value, datetime.datetime):
            return {TAG: "datetime", "iso": self.text(str(value.isoformat()))}
        if isinstance(value, datetime.date):
            return {TAG: "date", "iso": self.text(str(value.isoformat()))}
        if _is_pil_image(value):
            try:
                buffer = io.BytesIO()
                value.save(buffer, format="PNG")
                data = buffer.getvalue()
            except Exception:
                return self.repr_tag(value)
            self.spend(len(data) * 4 // 3)
            return {TAG: "image", "mimeType": "image/png", "base64": base64.b64encode(data).decode("ascii")}

        if id(value) in self.active:  # a container that holds itself
            return self.repr_tag(value)
        base = _builtin_container(value)
        if base is not None:
            self.spend()
            # The base type's own length: a subclass's __len__ is not asked, and may lie.
            if self.nodes + base.__len__(value) > self.max_nodes:
                raise _ValueTooLarge()
            self.active.add(id(value))
            try:
                return self.container(value, depth + 1)
            finally:
                self.active.discard(id(value))
        module = getattr(kind, "__module__", "") or ""
        if module == "numpy":  # numpy scalars and arrays say themselves better as Python values
            for converter in ("tolist", "item"):
                method = getattr(value, converter, None)
                if callable(method):
                    try:
                        converted = method()
                    except Exception:
                        break
                    return self.encode(converted, depth + 1)
        return self.repr_tag(value)

    def container(self, value, depth):
        if isinstance(value, list):
            return [self.encode(item, depth) for item in value]
        if isinstance(value, tuple):
            return {TAG: "tuple", "items": [self.encode(item, depth) for item in value]}
        if isinstance(value, (set, frozenset)):
            return {TAG: "set", "items": [self.encode(item, depth) for item in value]}
        pairs = list(itertools.islice(value.items(), self.max_nodes + 1))
        if len(pairs) > self.max_nodes:
            raise _ValueTooLarge()
        if all(type(key) is str for key, _ in pairs) and not any(key == TAG for key, _ in pairs):
            return {self.text(key): self.encode(item, depth) for key, item in pairs}
        return {
            TAG: "dict",
            "entries": [[self.encode(key, depth), self.encode(item, depth)] for key, item in pairs],
        }


class _NotCarried(Exception):
    """A variable that would not come back as the same value once saved and defined again."""


# The types whose encoding decode_value turns back into a value of the same type (a frozenset,
# a bytearray, a dict subclass or a naive-looking repr would come back as something else).
_CARRIED_TYPES = frozenset(
    (type(None), bool, int, float, str, bytes, list, tuple, set, dict, datetime.datetime, datetime.date)
)


class _VariableEncoder(_Encoder):
    """Encodes variables to be saved: a value, or anything in it, that has no faithful encoding
    raises ``_NotCarried`` instead of becoming a repr. One encoder for all the variables of one
    reply, so that its caps bound the whole reply."""

    max_nodes = MAX_VARIABLE_NODES

    def repr_tag(self, value):
        raise _NotCarried(f"it holds a {_qualified_type_name(value)}, which has no saved form")

    def encode(self, value, depth):
        if type(value) not in _CARRIED_TYPES:
            raise _NotCarried(f"it holds a {_qualified_type_name(value)}, which has no saved form")
        if depth > MAX_ENCODE_DEPTH:
            raise _NotCarried("it is nested too deeply")
        encoded = super().encode(value, depth)
        if type(encoded) is dict and encoded.get(TAG) == "repr":  # an int too long for str()
            raise _NotCarried("it holds a value that has no saved form")
        return encoded


def _uncarried_reason(value):
    """Why a global is not saved, in words for the developer who reads the snapshot."""
    if isinstance(value, types.ModuleType):
        return "a module: import it again"
    if isinstance(value, type):
        return "a class: define it again"
    if callable(value):
        return "a function or callable: define it again"
    return f"a {_qualified_type_name(value)}, which has no saved form"


def _too_large(value):
    """The stand-in for a value past the caps: a shortened repr that says so."""
    note = (
        f"... [value too large to send: more than {MAX_ENCODE_NODES} values or {MAX_ENCODE_CHARS} "
        "characters; shortened repr]"
    )
    return {TAG: "repr", "pythonType": _qualified_type_name(value), "repr": _preview(value, 3) + note}


def _builtin_container(value):
    """The builtin container type ``value`` is an instance of (a subclass's base), or None."""
    for base in _CONTAINERS:
        if isinstance(value, base):
            return base
    return None


def _preview(value, depth, items=20, chars=2_000):
    """A repr that looks at a bounded part of the value, through the builtin types' own methods
    (reprlib sorts whole dicts and sets; a subclass's repr would walk all of it)."""
    try:
        base = _builtin_container(value) if depth > 0 else None
        if base is not None:
            open_, close = {list: "[]", tuple: "()"}.get(base, "{}")
            if base is dict:
                parts = [
                    f"{_preview(key, depth - 1, items, 200)}: {_preview(item, depth - 1, items, 500)}"
                    for key, item in itertools.islice(dict.items(value), items)
                ]
            else:
                shown = itertools.islice(base.__iter__(value), items)
                parts = [_preview(item, depth - 1, items, 500) for item in shown]
            size = base.__len__(value)
            if size > items:
                parts.append(f"... {size - items} more")
            text = open_ + ", ".join(parts) + close
            if base in (set, frozenset) and not parts:
                text = f"{base.__name__}()"
            if type(value) is not base:
                text = f"{_qualified_type_name(value)}({text})"
        elif isinstance(value, str):
            text = str.__str__(value)
            text = repr(text[:chars]) + ("..." if len(text) > chars else "")
        else:
            text = _safe_repr(value)
    except BaseException:
        text = f"<{_qualified_type_name(value)} object>"
    return text if len(text) <= chars else text[:chars] + "..."


def _decode_image(data):
    try:
        from PIL import Image  # optional: only when the user has PIL

        return Image.open(io.BytesIO(data))
    except Exception:
        return data


def decode_value(data):
    """Turns protocol data back into Python values."""
    if isinstance(data, list):
        return [decode_value(item) for item in data]
    if not isinstance(data, dict):
        return data
    kind = data.get(TAG)
    if kind is None:
        return {key: decode_value(item) for key, item in data.items()}
    if kind == "tuple":
        return tuple(decode_value(item) for item in data["items"])
    if kind == "set":
        return set(decode_value(item) for item in data["items"])
    if kind == "dict":
        return {_hashable(decode_value(key)): decode_value(item) for key, item in data["entries"]}
    if kind == "bytes":
        return base64.b64decode(data["base64"])
    if kind == "datetime":
        return datetime.datetime.fromisoformat(data["iso"].replace("Z", "+00:00"))
    if kind == "date":
        return datetime.date.fromisoformat(data["iso"])
    if kind == "float":
        return float(data["value"])
    if kind == "int":
        return int(data["value"])
    if kind == "image":
        return _decode_image(base64.b64decode(data["base64"]))
    if kind == "repr":
        return data.get("repr", "")
    raise ProtocolError(f"unknown tagged value type {kind!r}")


def _hashable(key):
    if isinstance(key, list):
        return tuple(_hashable(item) for item in key)
    if isinstance(key, set):
        return frozenset(key)
    return key


# --------------------------------------------------------------------------------------------
# Print capture: bounded memory, keeps the head and the tail


class PrintCapture(io.TextIOBase):
    """Stands in for sys.stdout and sys.stderr; keeps at most ``limit`` characters."""

    def __init__(self, limit):
        super().__init__()
        self.limit = max(1, int(limit))
        self.reset()

    def reset(self):
        self._head = []
        self._head_length = 0
        self._tail = collections.deque()
        self._tail_length = 0
        self._total = 0

    @property
    def encoding(self):
        return "utf-8"

    def writable(self):
        return True

    def isatty(self):
        return False

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if type(text) is not str:  # a str subclass's own __len__ or slicing must not run here
            text = str.__str__(text)
        written = len(text)
        self._total += written
        head_limit = self.limit // 2
        if self._head_length < head_limit:
            taken = text[: head_limit - self._head_length]
            self._head.append(taken)
            self._head_length += len(taken)
            text = text[len(taken) :]
        if text:
            self._tail.append(text)
            self._tail_length += len(text)
            tail_limit = self.limit - head_limit
            while self._tail_length - len(self._tail[0]) >= tail_limit:
                self._tail_length -= len(self._tail.popleft())
        return written

    def getvalue(self):
        head = "".join(self._head)
        tail = "".join(self._tail)
        if self._total <= self.limit:
            return head + tail
        tail = tail[len(tail) - (self.limit - self.limit // 2) :]
        dropped = self._total - len(head) - len(tail)
        return (
            f"{head}\n... [{dropped} characters of output truncated: output is limited to "
            f"{self.limit} characters, head and tail kept] ...\n{tail}"
        )


# --------------------------------------------------------------------------------------------
# Import policy


class ImportPolicy:
    """Which modules the user's code may import (see "Import policy" in the protocol doc)."""

    def __init__(self, authorized):
        self.authorized = sorted(set(str(entry) for entry in authorized))
        self.allow_all = "*" in self.authorized
        self.exact = {entry for entry in self.authorized if not entry.endswith(".*")}
        self.trees = {entry[:-2] for entry in self.authorized if entry.endswith(".*")}
        # Importing "os.path" imports "os" first: authorizing a submodule authorizes its
        # parents (as in smolagents), not their other submodules.
        self.parents = set()
        for entry in self.exact | self.trees:
            parts = entry.split(".")
            self.parents.update(".".join(parts[:end]) for end in range(1, len(parts)))

    def allows(self, name):
        if self.allow_all or name in self.exact or name in self.parents:
            return True
        return any(name == tree or name.startswith(tree + ".") for tree in self.trees)

    def check(self, name):
        if not self.allows(name):
            raise ImportError(
                f"Import of '{name}' is not allowed. Authorized imports are: {self.authorized}. "
                f"To allow it, the user can add '{name}' to the executor's additionalAuthorizedImports "
                f"(in code) or to --imports (in the smolagent CLI).",
                name=name,
            )

    def top_level_names(self):
        """The top-level modules the entries name ("*" names none)."""
        return sorted({entry.split(".")[0] for entry in self.exact | self.trees if entry and entry != "*"})


class PackageInstaller:
    """A ``sys.meta_path`` finder that installs the package of an authorized module on its first
    import, so that authorizing a package costs nothing to code that never imports it.

    ``install(name)`` installs what the top-level module ``name`` needs and returns None, or the
    reason it could not; under Pyodide it returns a JavaScript promise, waited for with
    ``run_sync`` (the sandbox enters ``serve`` as a promising call for that). The finder itself
    finds nothing: once the package is installed, the ordinary finders do.
    """

    def __init__(self, modules, install):
        self.pending = {str(name) for name in modules}
        self.failures = {}
        self._install = install

    def provides(self, name):
        return name in self.pending

    def find_spec(self, fullname, path=None, target=None):
        if path is not None or fullname not in self.pending:
            return None
        self.pending.discard(fullname)
        try:
            reason = self._install(fullname)
            if sys.platform == "emscripten" and hasattr(reason, "then"):
                from pyodide.ffi import run_sync

                reason = run_sync(reason)
        except Exception as error:  # the import then fails with a hint that says why
            reason = f"{_type_name(error)}: {_safe_str(error)}"
        if reason is not None:
            self.failures[fullname] = _shorten(str(reason))
        importlib.invalidate_caches()
        return None


# --------------------------------------------------------------------------------------------
# Snippets and errors


# Holds the value of a final assignment between the assignment and the moment it is read.
LAST_VALUE_NAME = "__smol_last_value__"


def _split_last_expression(tree):
    """The snippet's value: its last statement's, when that is an expression or an assignment.

    ``x = 3`` is worth 3, as in smolagents: the assigned value is kept in a hidden global by a
    rewritten assignment (so the right side runs once), and read back after the body.
    """
    if not tree.body:
        return tree, None
    last = tree.body[-1]
    if isinstance(last, ast.Expr):
        return ast.Module(body=tree.body[:-1], type_ignores=[]), ast.Expression(last.value)
    if isinstance(last, ast.Assign) or (isinstance(last, ast.AnnAssign) and last.value is not None):
        hidden = ast.Name(id=LAST_VALUE_NAME, ctx=ast.Load())
        keep = ast.Assign(targets=[ast.Name(id=LAST_VALUE_NAME, ctx=ast.Store())], value=last.value)
        if isinstance(last, ast.Assign):
            assign = ast.Assign(targets=last.targets, value=hidden)
        else:
            assign = ast.AnnAssign(target=last.target, annotation=last.annotation, value=hidden, simple=last.simple)
        body = ast.Module(body=[*tree.body[:-1], _located(keep, last), _located(assign, last)], type_ignores=[])
        return body, ast.Expression(_located(ast.Name(id=LAST_VALUE_NAME, ctx=ast.Load()), last))
    if isinstance(last, ast.AugAssign) and isinstance(last.target, ast.Name):
        return tree, ast.Expression(_located(ast.Name(id=last.target.id, ctx=ast.Load()), last))
    return tree, None


def _located(node, where):
    """``node`` and its children at the place of ``where`` (so errors point at the user's line)."""
    for child in ast.walk(node):
        if "lineno" in child._attributes and getattr(child, "lineno", None) is None:
            ast.copy_location(child, where)
    return node


def _register_source(filename, code):
    lines = [line + "\n" for line in code.splitlines()]
    linecache.cache[filename] = (len(code), None, lines, filename)


# --------------------------------------------------------------------------------------------
# The runtime


class Runtime:
    # Set by ``serve`` when the sandbox installs packages on first import (see PackageInstaller).
    installer = None

    def __init__(self, read_line, write_line):
        self._read_line = read_line
        self._write_line = write_line
        self._write_lock = threading.Lock()
        self._tool_lock = threading.RLock()
        self._call_ids = itertools.count(1)
        self._run_ids = itertools.count(1)
        self._prefix = None
        self._policy = ImportPolicy([])
        self._capture = PrintCapture(50_000)
        self._tool_functions = {}
        self._snippet_names = set()
        self._current_snippet = None
        self._final_answer_recorded = False
        self._final_answer_value = None
        self._real_import = builtins.__import__
        self._user_builtins = dict(vars(builtins))
        self._user_builtins["__import__"] = self._checked_import
        self._user_builtins["ToolError"] = ToolError
        self.globals = {"__name__": "__main__", "__builtins__": self._user_builtins}
        self._user_builtins["final_answer"] = self._make_final_answer(None)

    # ---- transport

    def send(self, message):
        line = self._frame(message)
        if len(line) > MAX_LINE_CHARS:
            line = self._frame(_bounded_message(message, len(line)))
        with self._write_lock:
            self._write_line(line)

    def _frame(self, message):
        return self._prefix + _LINE_ENCODER.encode(message)

    def receive(self):
        """The next host message, or None at end of input."""
        line = self._read_line()
        if not isinstance(line, str):  # None, or a JS null/undefined handed in by Pyodide
            return None
        if line.endswith("\n"):
            line = line[:-1]
        if line.endswith("\r"):
            line = line[:-1]
        if line == "":
            return None
        try:
            message = json.loads(line)
        except ValueError as error:
            raise ProtocolError(f"the host sent a line that is not JSON ({error})") from None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise ProtocolError("the host sent a message without a type")
        return message

    # ---- main loop

    def serve(self):
        first = self.receive()
        if first is None:
            return
        if first.get("type") != "init" or not isinstance(first.get("nonce"), str):
            # No nonce, no framing: say it unframed, the host treats it as stray output.
            self._write_line("smol runtime: the first message must be init with a nonce")
            return
        self._prefix = f"smol:{first['nonce']} "
        self._policy = ImportPolicy(first.get("authorizedImports") or [])
        missing = [] if self._policy.allow_all else _unavailable_modules(
            self._policy.top_level_names(), self.installer
        )
        if missing:
            # A typo ("nmpy") is the developer's to fix, at start: the model could only fail on it.
            names = ", ".join(f"'{name}'" for name in missing)
            self.send(
                {
                    "type": "fatal",
                    "message": _shorten(
                        f"authorized imports that exist nowhere: {names}: not in the standard library, not "
                        "installed and not an installable package. Check their spelling in "
                        "additionalAuthorizedImports (or --imports in the CLI)."
                    ),
                }
            )
            return
        _disable_process_functions()
        self._capture = PrintCapture(first.get("maxPrintOutputsLength") or 50_000)
        self._install_import_hooks()
        saved = sys.stdout, sys.stderr, sys.stdin
        sys.stdout = sys.stderr = self._capture
        sys.stdin = io.StringIO("")
        try:
            self.send(
                {
                    "type": "ready",
                    "protocol": PROTOCOL_VERSION,
                    "python": ".".join(str(part) for part in sys.version_info[:3]),
                    "implementation": "pyodide" if sys.platform == "emscripten" else sys.implementation.name,
                    "executable": sys.executable or "",
                }
            )
            while True:
                try:
                    message = self.receive()
                    if message is None:
                        return
                    self._handle_safely(message)
                except _HostGone:
                    return
                except ProtocolError as error:
                    self.send({"type": "fatal", "message": _shorten(str(error))})
                    return
        finally:
            sys.stdout, sys.stderr, sys.stdin = saved

    def _handle_safely(self, message):
        """Handles one request; a failure of the runtime itself is that request's error, not its death."""
        try:
            self.handle(message)
        except (_HostGone, ProtocolError):
            raise
        except BaseException as error:
            request_id = message.get("id")
            if not isinstance(request_id, str):
                raise ProtocolError(f"the runtime failed on a message without an id: {_type_name(error)}") from None
            text = _shorten(f"smol's runtime failed on this request: {_type_name(error)}: {_safe_str(error)}")
            self.send(
                {"type": "error", "id": request_id, "error": {"type": _type_name(error), "message": text}, "logs": ""}
            )

    def handle(self, message):
        kind = message["type"]
        request_id = message.get("id")
        if not isinstance(request_id, str):
            raise ProtocolError(f"the host sent a {kind} message without a string id")
        if kind == "run":
            code = message.get("code")
            if not isinstance(code, str):
                raise ProtocolError("run needs code as a string")
            self.send(self.run(request_id, code))
        elif kind == "get_variables":
            self.send({"type": "variables", "id": request_id, **self.get_variables()})
        elif kind in ("define_tools", "set_variables"):
            try:
                if kind == "define_tools":
                    self.define_tools(message.get("tools"))
                else:
                    self.set_variables(message.get("variables"))
            except (TypeError, ValueError, KeyError, ProtocolError) as error:
                self.send(
                    {
                        "type": "error",
                        "id": request_id,
                        "error": {"type": _type_name(error), "message": _shorten(_safe_str(error))},
                        "logs": "",
                    }
                )
                return
            self.send({"type": "ack", "id": request_id})
        else:
            raise ProtocolError(f"unexpected message type {kind!r}")

    # ---- requests

    def set_variables(self, variables):
        if not isinstance(variables, dict):
            raise TypeError("variables must be an object")
        decoded = {}
        for name, data in variables.items():
            if not name.isidentifier() or keyword.iskeyword(name):
                raise ValueError(f"{name!r} is not a valid Python variable name")
            decoded[name] = decode_value(data)
        self.globals.update(decoded)

    def get_variables(self):
        """The globals the code defined, encoded so that set_variables defines them again as the
        same values; the names that cannot be (modules, functions, classes, open files, a value
        past the reply's caps) are listed with the reason, the first MAX_UNCARRIED_NAMES of them."""
        encoder = _VariableEncoder()
        variables, uncarried, omitted, json_chars = {}, [], 0, 0
        collecting = gc.isenabled()
        gc.disable()  # as in encode_value: many small objects and no cycle
        try:
            for name, value in list(self.globals.items()):
                if (name.startswith("__") and name.endswith("__")) or name == LAST_VALUE_NAME:
                    continue  # __name__, __builtins__ and the runtime's own
                if self._tool_functions.get(name) is value:
                    continue  # the tools are defined again by define_tools
                nodes, chars = encoder.nodes, encoder.chars
                try:
                    if type(name) is not str:
                        raise _NotCarried("its name is not a string")
                    encoder.text(name)
                    encoded = encoder.encode(value, 0)
                    size = len(json.dumps(encoded, ensure_ascii=True, separators=(",", ":"))) + len(name) + 4
                    if json_chars + size > MAX_VARIABLES_JSON_CHARS:
                        raise _ValueTooLarge()
                    json_chars += size
                    variables[name] = encoded
                    continue
                except _NotCarried as error:
                    reason = _uncarried_reason(value) if type(value) not in _CARRIED_TYPES else str(error)
                except _ValueTooLarge:
                    reason = "too large: the saved variables may hold at most "
                    reason += f"{MAX_VARIABLE_NODES} values and {MAX_VARIABLES_JSON_CHARS} characters in all"
                except _HostGone:
                    raise
                except BaseException as error:  # the value's own methods failed while it was read
                    reason = f"{_type_name(error)} raised while it was read"
                encoder.nodes, encoder.chars = nodes, chars
                encoder.active.clear()
                if len(uncarried) >= MAX_UNCARRIED_NAMES:
                    omitted += 1
                    continue
                uncarried.append(
                    {
                        "name": _shorten(str.__str__(name) if isinstance(name, str) else "?", 200),
                        "pythonType": _shorten(_qualified_type_name(value), 200),
                        "reason": reason,
                    }
                )
        finally:
            if collecting:
                gc.enable()
        return {"variables": variables, "uncarried": uncarried, "omitted": omitted}

    def define_tools(self, specs):
        if not isinstance(specs, list):
            raise TypeError("tools must be a list")
        functions = {}
        for spec in specs:
            function = self._make_tool_function(spec)
            functions[function.__name__] = function
        for name, old in self._tool_functions.items():
            if self.globals.get(name) is old:
                del self.globals[name]
        self._tool_functions = functions
        self._user_builtins["final_answer"] = self._make_final_answer(
            functions.pop("final_answer", None)
        )
        self.globals.update(functions)

    def run(self, request_id, code):
        run_number = next(self._run_ids)
        filename = f"<smol-run-{run_number}>"
        self._current_snippet = filename
        self._snippet_names.add(filename)
        _register_source(filename, code)
        self._capture.reset()
        self._final_answer_recorded = False
        self._final_answer_value = None
        # Tools come back each run, so a variable that shadowed one last step does not hide it.
        self.globals.update(self._tool_functions)

        def error_reply(error_data):
            return {"type": "error", "id": request_id, "error": error_data, "logs": self._capture.getvalue()}

        try:
            tree = ast.parse(code, filename=filename, mode="exec")
            body, last = _split_last_expression(tree)
            body_code = compile(body, filename, "exec", dont_inherit=True)
            last_code = compile(last, filename, "eval", dont_inherit=True) if last is not None else None
        except SyntaxError as error:
            return error_reply(self._describe_syntax_error(error, code))

        try:
            exec(body_code, self.globals)
            value = eval(last_code, self.globals) if last_code is not None else None
            self.globals.pop(LAST_VALUE_NAME, None)
        except FinalAnswer as answer:
            self.globals.pop(LAST_VALUE_NAME, None)
            value = self._final_answer_value if self._final_answer_recorded else answer.value
            return self._result(request_id, value, True)
        except _HostGone:
            raise
        except BaseException as error:
            if self._final_answer_recorded:
                return self._result(request_id, self._final_answer_value, True)
            return error_reply(self._describe_error(error))
        if self._final_answer_recorded:  # the FinalAnswer was swallowed by a bare except
            return self._result(request_id, self._final_answer_value, True)
        return self._result(request_id, value, False)

    def _result(self, request_id, value, is_final_answer):
        try:
            output = encode_value(value)
        except UnsendableValue as error:
            # The code's own value is broken: that is the code's error, and the session lives on.
            what = "final answer" if is_final_answer else "value of the code"
            message = _shorten(f"The {what} could not be sent: {error}")
            return {
                "type": "error",
                "id": request_id,
                "error": {"type": error.error_type, "message": message, "traceback": f"{error.error_type}: {message}"},
                "logs": self._capture.getvalue(),
            }
        return {
            "type": "result",
            "id": request_id,
            "output": output,
            "logs": self._capture.getvalue(),
            "isFinalAnswer": is_final_answer,
        }

    # ---- errors

    def _display_name(self, filename):
        if filename == self._current_snippet:
            return CURRENT_SNIPPET_NAME
        return f"<code of an earlier run: {filename[len('<smol-run-') : -1]}>"

    def _describe_syntax_error(self, error, code):
        text = error.text
        if text is None and error.lineno and error.lineno <= len(code.splitlines()):
            text = code.splitlines()[error.lineno - 1]  # errors raised by compile() carry no text
        display = SyntaxError(error.msg, (CURRENT_SNIPPET_NAME, error.lineno, error.offset, text))
        if sys.version_info >= (3, 10):
            display.end_lineno = getattr(error, "end_lineno", None)
            display.end_offset = getattr(error, "end_offset", None)
        text = "".join(traceback.format_exception_only(type(error), display))
        data = {"type": type(error).__name__, "message": error.msg or str(error), "traceback": text.rstrip("\n")}
        if error.lineno:
            data["line"] = error.lineno
        return data

    def _describe_error(self, error):
        frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename in self._snippet_names]
        line = None
        for frame in frames:
            if frame.filename == self._current_snippet:
                line = frame.lineno
        renamed = traceback.StackSummary.from_list(
            [(self._display_name(frame.filename), frame.lineno, frame.name, frame.line) for frame in frames]
        )
        try:
            text = "".join(traceback.format_exception_only(type(error), error))
        except BaseException:  # a broken __str__
            text = f"{_type_name(error)}: {_safe_str(error)}\n"
        if frames:
            text = "Traceback (most recent call last):\n" + "".join(renamed.format()) + text
        message = _shorten(_safe_str(error))
        data = {
            "type": _type_name(error),
            "message": self._with_import_hint(error, message),
            "traceback": _shorten(text.rstrip("\n")),
        }
        if line is not None:
            data["line"] = line
        return data

    def _with_import_hint(self, error, message):
        """An authorized module that is not installed: say how the user installs it."""
        name = getattr(error, "name", None) if isinstance(error, ModuleNotFoundError) else None
        if not isinstance(name, str) or not name or not self._policy.allows(name):
            return message
        top = name.split(".")[0]
        failure = self.installer.failures.get(top) if self.installer is not None else None
        if failure is not None:
            hint = f" '{top}' is authorized, but its package is not installed in this sandbox: {failure}"
        elif sys.platform == "emscripten":
            if top not in _installable_modules():
                return message
            hint = (
                f" '{top}' is authorized, but its package is not installed in this sandbox: the host installs "
                "the Pyodide packages it finds in the executor's packageCacheDir or can download from the Pyodide "
                "CDN. Offline, put the package's wheel in packageCacheDir and start the executor again."
            )
        else:
            hint = f" '{top}' is authorized, but it is not installed in the sandbox's Python: install it there."
        return _shorten(message + hint)

    # ---- imports

    def _checked_import(self, name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0:
            self._policy.check(name)
        module = self._real_import(name, globals, locals, fromlist, level)
        if level == 0 and fromlist:
            for item in fromlist:
                if isinstance(getattr(module, item, None), types.ModuleType):
                    self._policy.check(f"{name}.{item}")
        return module

    def _install_import_hooks(self):
        if self.installer is not None and self.installer not in sys.meta_path:
            sys.meta_path.insert(0, self.installer)
        real_import_module = importlib.import_module
        runtime = self

        def import_module(name, package=None):
            # Only calls made from the user's code are checked; the standard library's own
            # calls must keep working.
            caller = sys._getframe(1)
            if caller.f_globals is runtime.globals and not name.startswith("."):
                runtime._policy.check(name)
            return real_import_module(name, package)

        import_module.__doc__ = real_import_module.__doc__
        importlib.import_module = import_module

    # ---- tools and the final answer

    def call_tool(self, name, args, kwargs):
        call = {
            "type": "tool_call",
            "name": name,
            "args": [encode_value(arg) for arg in args],
            "kwargs": {key: encode_value(value) for key, value in kwargs.items()},
        }
        with self._tool_lock:
            call_id = f"c{next(self._call_ids)}"
            # Encoded once (JSON encoding is slow under Pyodide, a good share of a tool call).
            line = self._frame(dict(call, callId=call_id))
            size = len(line) - len(self._prefix)
            if size > MAX_LINE_CHARS - 1_000:
                raise ValueError(f"the arguments of {name}() are too large to send to the tool ({size} characters of JSON)")
            with self._write_lock:
                self._write_line(line)
            try:
                message = self.receive()
            except ProtocolError as error:
                self.send({"type": "fatal", "message": str(error)})
                raise _HostGone() from None
            if message is None:
                raise _HostGone()
            if message.get("type") != "tool_result" or message.get("callId") != call_id:
                self.send({"type": "fatal", "message": f"expected tool_result for {call_id}, got {message.get('type')!r}"})
                raise _HostGone()
        if message.get("ok") is True:
            return decode_value(message.get("value"))
        error = message.get("error") if isinstance(message.get("error"), dict) else {}
        raise ToolError(str(error.get("message", f"tool {name} failed")), name, error.get("type"))

    def _make_tool_function(self, spec):
        if not isinstance(spec, dict):
            raise TypeError("each tool must be an object")
        name = spec.get("name")
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise ValueError(f"tool name {name!r} is not a valid Python identifier")
        inputs = spec.get("inputs") or {}
        if not isinstance(inputs, dict):
            raise TypeError(f"inputs of tool {name} must be an object")
        parameters = []
        seen_default = False
        for argument, schema in inputs.items():
            if not argument.isidentifier() or keyword.iskeyword(argument):
                raise ValueError(f"input {argument!r} of tool {name} is not a valid Python identifier")
            schema = schema if isinstance(schema, dict) else {}
            if schema.get("nullable"):
                seen_default = True
                parameters.append(inspect.Parameter(argument, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None))
            elif seen_default:
                parameters.append(inspect.Parameter(argument, inspect.Parameter.KEYWORD_ONLY))
            else:
                parameters.append(inspect.Parameter(argument, inspect.Parameter.POSITIONAL_OR_KEYWORD))
        signature = inspect.Signature(parameters)
        runtime = self
        names = tuple(inputs)
        # Every input required and positional-or-keyword (no nullable one): a call that gives
        # each of them, all by position or all by name, binds to them in order without
        # `Signature.bind` (~5 µs of a tool call under Pyodide).
        plain = all(parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and parameter.default is inspect.Parameter.empty for parameter in parameters)

        def tool_function(*args, **kwargs):
            if plain:
                if not kwargs and len(args) == len(names):
                    return runtime.call_tool(name, args, {})
                if not args and len(kwargs) == len(names) and all(key in kwargs for key in names):
                    return runtime.call_tool(name, tuple(kwargs[key] for key in names), {})
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as error:
                raise TypeError(f"{name}(): {error}") from None
            return runtime.call_tool(name, bound.args, bound.kwargs)

        tool_function.__name__ = tool_function.__qualname__ = name
        tool_function.__signature__ = signature
        tool_function.__doc__ = _tool_docstring(spec, inputs)
        return tool_function

    def _make_final_answer(self, host_tool):
        runtime = self

        def final_answer(*args, **kwargs):
            """Ends the run with this answer."""
            if host_tool is not None:
                value = host_tool(*args, **kwargs)
            else:
                try:
                    value = inspect.Signature([inspect.Parameter("answer", inspect.Parameter.POSITIONAL_OR_KEYWORD)]).bind(
                        *args, **kwargs
                    ).arguments["answer"]
                except TypeError as error:
                    raise TypeError(f"final_answer(): {error}") from None
            if not runtime._final_answer_recorded:
                runtime._final_answer_recorded = True
                runtime._final_answer_value = value
            raise FinalAnswer(value)

        if host_tool is not None:
            final_answer.__signature__ = host_tool.__signature__
            final_answer.__doc__ = host_tool.__doc__
        return final_answer


def _shorten(text, limit=MAX_ERROR_TEXT_CHARS):
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n... [{len(text) - 2 * half} characters truncated] ...\n{text[-half:]}"


def _safe_str(error):
    try:
        text = str(error)
        return text if type(text) is str else str.__str__(text)
    except BaseException:
        return f"<{_type_name(error)} (str failed)>"


def _bounded_message(message, size):
    """A message past ``MAX_LINE_CHARS`` made small: its output a note, its texts shortened."""
    bounded = dict(message)
    if "output" in bounded:
        note = f"<value too large to send: {size} characters of JSON>"
        bounded["output"] = {TAG: "repr", "pythonType": "object", "repr": note}
    if isinstance(bounded.get("logs"), str):
        bounded["logs"] = _shorten(bounded["logs"], MAX_ERROR_TEXT_CHARS * 5)
    if isinstance(bounded.get("error"), dict):
        bounded["error"] = {
            key: _shorten(item) if isinstance(item, str) else item for key, item in bounded["error"].items()
        }
    if isinstance(bounded.get("message"), str):
        bounded["message"] = _shorten(bounded["message"])
    return bounded


def _unavailable_modules(names, installer=None):
    """The top-level modules among ``names`` that no import could ever find."""
    missing = []
    for name in names:
        if name in sys.stdlib_module_names or name in sys.builtin_module_names:
            continue
        if installer is not None and installer.provides(name):
            continue
        try:
            if importlib.util.find_spec(name) is not None:
                continue
        except Exception:  # a module that exists but fails to be found cleanly: the import will say
            continue
        if name not in _installable_modules():
            missing.append(name)
    return missing


_installable = None


def _installable_modules():
    """Modules of the packages Pyodide can install (from its lock file); empty elsewhere."""
    global _installable
    if _installable is None:
        _installable = set()
        if sys.platform == "emscripten":
            try:
                import pyodide_js

                for package in pyodide_js.lockfile.packages.object_values():
                    _installable.update(str(name) for name in package.imports)
            except Exception:
                pass
    return _installable


# Under Pyodide these reach Emscripten stubs that abort the whole interpreter ("Requires env
# access") or end the sandbox process (a signal to itself, abort, _exit), taking the session's
# variables with it. The sandbox has no other process to start, wait for or signal; os.popen
# and subprocess already fail cleanly with OSError.
PROCESS_FUNCTIONS = (
    "system", "abort", "_exit", "kill", "killpg", "fork", "forkpty", "vfork", "posix_spawn", "posix_spawnp", "fexecve",
    "execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp", "execvpe",
    "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe",
    "wait", "wait3", "wait4", "waitid", "waitpid",
)  # fmt: skip


def _disable_process_functions():
    """Makes the process functions of ``os`` (and ``posix``, its C half) raise OSError under Pyodide."""
    if sys.platform != "emscripten":
        return
    import errno
    import posix

    def refusing(name):
        def refused(*args, **kwargs):
            reason = "it has no processes to start, wait for or signal"
            raise OSError(errno.ENOSYS, f"os.{name}() is not available in the sandbox: {reason}")

        refused.__name__ = refused.__qualname__ = name
        return refused

    for name in PROCESS_FUNCTIONS:
        for module in (os, posix):
            if hasattr(module, name):
                setattr(module, name, refusing(name))


def _tool_docstring(spec, inputs):
    lines = [str(spec.get("description") or "").strip(), ""]
    if inputs:
        lines.append("Args:")
        for argument, schema in inputs.items():
            schema = schema if isinstance(schema, dict) else {}
            lines.append(f"    {argument} ({schema.get('type', 'any')}): {schema.get('description', '')}")
    lines.append(f"Returns: {spec.get('outputType', 'any')}")
    return "\n".join(lines).strip()


def serve(read_line, write_line, installable=(), install=None):
    """Runs the protocol over two functions: read one host line (None/"" at EOF), write one line.

    ``installable`` names top-level modules whose package ``install(name)`` installs on their
    first import (see PackageInstaller); without ``install`` every package is installed already.
    """
    runtime = Runtime(read_line, write_line)
    if install is not None:
        runtime.installer = PackageInstaller(installable, install)
    runtime.serve()


def main():
    # Keep the real stdin/stdout for the protocol; user code and child processes that write
    # to fd 1 land on stderr, and fd 0 reads nothing, so nothing can interleave with our lines.
    protocol_in = os.fdopen(os.dup(0), "r", encoding="utf-8", newline="\n")
    protocol_out = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n")
    null_fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null_fd, 0)
    os.close(null_fd)
    os.dup2(2, 1)

    def write_line(line):
        protocol_out.write(line + "\n")
        protocol_out.flush()

    _exit_when_orphaned()
    serve(protocol_in.readline, write_line)


def _exit_when_orphaned():
    """If the host dies while user code loops forever, nobody would ever kill us: leave."""
    parent = os.getppid()

    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="smol-orphan-watchdog", daemon=True).start()


if __name__ == "__main__":
    main()
