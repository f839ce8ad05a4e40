"""`<object>/api/json`, `api/xml` and `api/python`: hudson.model.Api as Jenkins serves it.

Source: jenkinsci/jenkins core/src/main/java/hudson/model/Api.java and stapler's
ResponseImpl.serveExposedBean:
- `tree` wins over `depth` (ByDepth(1 - depth), see tree.py); `pretty` indents JSON and
  Python (XML is never indented). A malformed `tree` or `depth` is a 500.
- `jsonp` is refused with 403 unless a SecureRequester permits it; core's only one does
  when security is off (or `hudson.model.Api.INSECURE` is set). This Jenkins is always
  secured, so `jsonp` is always refused.
- XML also takes `xpath`, `wrapper` and `exclude` (repeatable): excluded nodes are
  removed first; an xpath matching nothing is a 404, several without `wrapper` a 500, a
  bad `wrapper` name a 400, and a text or number result (`.../text()`, `count(...)`) a
  403, since "primitive XPath result sets" need a SecureRequester too.
  XPath here is ElementTree's subset (paths, `//`, `*`, `[n]`, `[tag='v']`, `[@a='v']`);
  Jenkins evaluates full XPath 1.0 with dom4j. An expression beyond the subset is a 500,
  as dom4j's InvalidXPathException is.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from typing import Any

from releasegate.lib.collector import cyclic_gc_paused
from releasegate.simulators.jenkins.flavours import (
    CONTENT_TYPES,
    root_element,
    write_json,
    write_python,
    write_xml,
)
from releasegate.simulators.jenkins.responses import (
    JenkinsFailure,
    Request,
    Response,
    servlet_exception,
)
from releasegate.simulators.jenkins.tree import TreeSyntaxError, parse_tree, prune_depth, prune_tree

FLAVOURS = tuple(CONTENT_TYPES)
# Api.setHeaders, on every `/api/*` answer (X-Jenkins and X-Jenkins-Session are added to
# every answer by the server).
API_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "deny"}
_WRAPPER_NAME = re.compile(r"^[a-zA-Z_][\w\-.]*$")
_PRIMITIVE_XPATH = re.compile(r"(text\(\)\s*$)|(^\s*[\w-]+\()|(/@[\w-]+\s*$)")


def is_api(rest: list[str]) -> bool:
    return len(rest) == 2 and rest[0] == "api" and rest[1] in FLAVOURS


def serve(request: Request, flavour: str, obj: dict[str, Any]) -> Response:
    """The object in the flavour asked for (`json`, `xml` or `python`)."""
    if flavour == "json" and request.first("jsonp") is not None:
        raise JenkinsFailure(403, "jsonp forbidden; implement jenkins.security.SecureRequester")
    pretty = "pretty" in request.query or "pretty" in request.form
    # A large listing is an allocation burst of acyclic objects; see lib/collector.py.
    with cyclic_gc_paused():
        data = pruned(request, obj)
        if flavour == "xml":
            response = _xml(request, data, root_element(str(obj.get("_class", "object"))))
        else:
            text = write_json(data, pretty) if flavour == "json" else write_python(data, pretty)
            response = Response(200, text.encode(), CONTENT_TYPES[flavour])
    response.headers.update(API_HEADERS)
    return response


def pruned(request: Request, obj: dict[str, Any]) -> Any:
    """stapler serveExposedBean: `tree` wins over `depth`; bad values are a 500."""
    tree = request.first("tree")
    if tree is not None:
        try:
            return prune_tree(obj, parse_tree(tree))
        except TreeSyntaxError as exc:
            raise servlet_exception(
                f"Malformed tree expression: java.lang.IllegalArgumentException: {exc}"
            ) from None
    depth = request.first("depth") or "0"
    if not depth.lstrip("-").isdigit():
        raise servlet_exception("Depth parameter must be a number")
    return prune_depth(obj, int(depth))


def _xml(request: Request, data: dict[str, Any], root: str) -> Response:
    text = write_xml(data, root)
    xpath = request.first("xpath")
    excludes = request.query.get("exclude", []) + request.form.get("exclude", [])
    if xpath is None and not excludes:
        return Response(200, text.encode(), CONTENT_TYPES["xml"])
    document = ElementTree.Element("document")
    # The XML is the simulator's own rendering, never a caller's.
    document.append(ElementTree.fromstring(text))  # noqa: S314
    for exclude in excludes:
        for parent, child in _select_with_parents(document, exclude):
            parent.remove(child)
    if xpath is None:
        body = '<?xml version="1.0" encoding="UTF-8"?>\n' + _serialise(document[0])
        return Response(200, body.encode(), CONTENT_TYPES["xml"])
    if _PRIMITIVE_XPATH.search(xpath):
        raise JenkinsFailure(
            403, "primitive XPath result sets forbidden; implement jenkins.security.SecureRequester"
        )
    found = [child for _, child in _select_with_parents(document, xpath)]
    wrapper = request.first("wrapper")
    if wrapper is not None:
        if not _WRAPPER_NAME.match(wrapper):
            return _plain(
                400,
                "The wrapper parameter can only contain alphanumeric characters or "
                "dash/dot/underscore. The first character has to be a letter or underscore.",
            )
        return Response(
            200,
            (f"<{wrapper}>" + "".join(_serialise(e) for e in found) + f"</{wrapper}>").encode(),
            CONTENT_TYPES["xml"],
        )
    if not found:
        return _plain(404, f"XPath {xpath} didn’t match")
    if len(found) > 1:
        return _plain(
            500,
            f'XPath "{xpath}" matched {len(found)} nodes. Create XPath that only matches one, '
            'or use the "wrapper" query parameter to wrap them all under a root element.',
        )
    return Response(200, _serialise(found[0]).encode(), CONTENT_TYPES["xml"])


def _select_with_parents(
    document: ElementTree.Element, xpath: str
) -> list[tuple[ElementTree.Element, ElementTree.Element]]:
    """The elements `xpath` selects, each with its parent, in document order."""
    path = xpath.strip()
    relative = "." + path if path.startswith("/") else "./" + path
    try:
        selected = document.findall(relative)
    except (SyntaxError, KeyError, TypeError) as exc:
        raise JenkinsFailure(
            500,
            f"org.dom4j.InvalidXPathException: Invalid XPath expression: {xpath} {exc}",
            "exception",
        ) from None
    parents = {id(child): parent for parent in document.iter() for child in parent}
    return [(parents[id(element)], element) for element in selected]


def _serialise(element: ElementTree.Element) -> str:
    # dom4j's XMLWriter: attributes in double quotes; an element's tail is not its own.
    tail, element.tail = element.tail, None
    text = ElementTree.tostring(element, encoding="unicode", short_empty_elements=False)
    element.tail = tail
    return text


def _plain(status: int, message: str) -> Response:
    return Response(status, message.encode(), "text/plain;charset=UTF-8")
