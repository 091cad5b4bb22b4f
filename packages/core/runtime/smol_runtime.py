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
import importlib
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
# One protocol line may not exceed this; a bigger value is replaced by a truncated repr.
MAX_LINE_CHARS = 64 * 1024 * 1024
MAX_REPR_CHARS = 100_000
# An error's message and traceback go to the model's context: keep them readable.
MAX_ERROR_TEXT_CHARS = 10_000
MAX_ENCODE_DEPTH = 100
# JavaScript numbers hold integers exactly up to 2**53 - 1; bigger ones travel as strings.
MAX_SAFE_INTEGER = 2**53 - 1
TAG = "__smol_type__"
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
    kind = type(value)
    module = getattr(kind, "__module__", "builtins")
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def _safe_repr(value):
    try:
        text = repr(value)
    except BaseException as error:  # a broken __repr__ must not break the protocol
        text = f"<{_qualified_type_name(value)} object (repr failed: {type(error).__name__})>"
    if len(text) > MAX_REPR_CHARS:
        text = text[:MAX_REPR_CHARS] + f"... [repr truncated, {len(text)} characters in all]"
    return text


def _repr_tag(value):
    return {TAG: "repr", "pythonType": _qualified_type_name(value), "repr": _safe_repr(value)}


def _is_pil_image(value):
    module = getattr(type(value), "__module__", "") or ""
    return module.startswith("PIL.") and hasattr(value, "save") and hasattr(value, "size")


def encode_value(value, depth=0, active=None):
    """Turns a Python value into JSON-ready data, tagging what JSON cannot say."""
    if depth > MAX_ENCODE_DEPTH:
        return _repr_tag(value)
    if value is None or type(value) in (bool, str):
        return value
    if isinstance(value, bool):  # subclasses (rare) travel as their plain value
        return bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return int(value)
        try:
            return {TAG: "int", "value": str(int(value))}
        except ValueError:  # more digits than int->str allows
            return {TAG: "repr", "pythonType": "int", "repr": f"<int of {value.bit_length()} bits>"}
    if isinstance(value, float):
        if math.isnan(value):
            return {TAG: "float", "value": "nan"}
        if math.isinf(value):
            return {TAG: "float", "value": "inf" if value > 0 else "-inf"}
        return float(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {TAG: "bytes", "base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, datetime.datetime):
        return {TAG: "datetime", "iso": value.isoformat()}
    if isinstance(value, datetime.date):
        return {TAG: "date", "iso": value.isoformat()}
    if _is_pil_image(value):
        try:
            buffer = io.BytesIO()
            value.save(buffer, format="PNG")
            return {TAG: "image", "mimeType": "image/png", "base64": base64.b64encode(buffer.getvalue()).decode("ascii")}
        except Exception:
            return _repr_tag(value)

    active = set() if active is None else active
    if id(value) in active:  # a container that holds itself
        return _repr_tag(value)
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        active.add(id(value))
        try:
            if isinstance(value, list):
                return [encode_value(item, depth + 1, active) for item in value]
            if isinstance(value, tuple):
                return {TAG: "tuple", "items": [encode_value(item, depth + 1, active) for item in value]}
            if isinstance(value, (set, frozenset)):
                return {TAG: "set", "items": [encode_value(item, depth + 1, active) for item in value]}
            if all(type(key) is str for key in value) and TAG not in value:
                return {key: encode_value(item, depth + 1, active) for key, item in value.items()}
            return {
                TAG: "dict",
                "entries": [
                    [encode_value(key, depth + 1, active), encode_value(item, depth + 1, active)]
                    for key, item in value.items()
                ],
            }
        finally:
            active.discard(id(value))
    module = getattr(type(value), "__module__", "") or ""
    if module == "numpy":  # numpy scalars and arrays say themselves better as Python values
        for converter in ("tolist", "item"):
            method = getattr(value, converter, None)
            if callable(method):
                try:
                    return encode_value(method(), depth + 1, active)
                except Exception:
                    break
    return _repr_tag(value)


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

    def allows(self, name):
        if self.allow_all or name in self.exact:
            return True
        return any(name == tree or name.startswith(tree + ".") for tree in self.trees)

    def check(self, name):
        if not self.allows(name):
            error = ImportError(
                f"Import of '{name}' is not allowed. Authorized imports are: {self.authorized}",
                name=name,
            )
            raise error


# --------------------------------------------------------------------------------------------
# Snippets and errors


def _split_last_expression(tree):
    """A notebook cell's value: the last statement, when it is an expression, is evaluated."""
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body[-1].value)
        body = ast.Module(body=tree.body[:-1], type_ignores=[])
        return body, last
    return tree, None


def _register_source(filename, code):
    lines = [line + "\n" for line in code.splitlines()]
    linecache.cache[filename] = (len(code), None, lines, filename)


# --------------------------------------------------------------------------------------------
# The runtime


class Runtime:
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
        line = self._prefix + json.dumps(message, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
        if len(line) > MAX_LINE_CHARS and "output" in message:
            too_large = f"<value too large to send: {len(line)} characters of JSON>"
            message = dict(message, output={TAG: "repr", "pythonType": "object", "repr": too_large})
            line = self._prefix + json.dumps(message, ensure_ascii=True, separators=(",", ":"))
        with self._write_lock:
            self._write_line(line)

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
                    self.handle(message)
                except _HostGone:
                    return
                except ProtocolError as error:
                    self.send({"type": "fatal", "message": str(error)})
                    return
        finally:
            sys.stdout, sys.stderr, sys.stdin = saved

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
        elif kind in ("define_tools", "set_variables"):
            try:
                if kind == "define_tools":
                    self.define_tools(message.get("tools"))
                else:
                    self.set_variables(message.get("variables"))
            except (TypeError, ValueError, KeyError, ProtocolError) as error:
                self.send(
                    {"type": "error", "id": request_id, "error": {"type": type(error).__name__, "message": str(error)}, "logs": ""}
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
        except FinalAnswer as answer:
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
        return {
            "type": "result",
            "id": request_id,
            "output": encode_value(value),
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
            text = f"{type(error).__name__}: {_safe_str(error)}\n"
        if frames:
            text = "Traceback (most recent call last):\n" + "".join(renamed.format()) + text
        data = {"type": type(error).__name__, "message": _shorten(_safe_str(error)), "traceback": _shorten(text.rstrip("\n"))}
        if line is not None:
            data["line"] = line
        return data

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
        with self._tool_lock:
            call_id = f"c{next(self._call_ids)}"
            self.send(
                {
                    "type": "tool_call",
                    "callId": call_id,
                    "name": name,
                    "args": [encode_value(arg) for arg in args],
                    "kwargs": {key: encode_value(value) for key, value in kwargs.items()},
                }
            )
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

        def tool_function(*args, **kwargs):
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
        return str(error)
    except BaseException:
        return f"<{type(error).__name__} (str failed)>"


def _tool_docstring(spec, inputs):
    lines = [str(spec.get("description") or "").strip(), ""]
    if inputs:
        lines.append("Args:")
        for argument, schema in inputs.items():
            schema = schema if isinstance(schema, dict) else {}
            lines.append(f"    {argument} ({schema.get('type', 'any')}): {schema.get('description', '')}")
    lines.append(f"Returns: {spec.get('outputType', 'any')}")
    return "\n".join(lines).strip()


def serve(read_line, write_line):
    """Runs the protocol over two functions: read one host line (None/"" at EOF), write one line."""
    Runtime(read_line, write_line).serve()


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
