"""Every endpoint of a site, found rather than listed: the URL configuration walked recursively
(includes, DRF router routes, path converters, the admin) and the OpenAPI operations that
drf-spectacular generates for the same site. Path parameters are filled with real ids and tokens
of the target program, so a request reaches the code that would look the object up."""

import re
import uuid
from dataclasses import dataclass, field

from django.urls import URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@dataclass
class Endpoint:
    urlconf: str
    regex: str
    name: str | None
    callback: object
    # How each path parameter was filled: "model label" or "guess" (no model matched).
    filled: dict = field(default_factory=dict)
    path: str = ""
    control_path: str = ""  # the same route with ids that exist nowhere
    operations: dict = field(default_factory=dict)  # method -> OpenAPI operation
    source: str = "urlconf"

    @property
    def has_target_params(self):
        return bool(self.filled)

    @property
    def public(self):
        view_class = getattr(self.callback, "view_class", None) or getattr(
            self.callback, "cls", None
        )
        return bool(
            getattr(self.callback, "program_public", False)
            or getattr(view_class, "program_public", False)
        )


def _walk(patterns, prefix):
    for p in patterns:
        regex = p.pattern.regex.pattern
        regex = regex[1:] if regex.startswith("^") else regex
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + regex)
        else:
            yield prefix + regex, p


def _model_of_view(callback):
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is not None:
        return model_admin.model
    for holder in (getattr(callback, "cls", None), getattr(callback, "view_class", None)):
        queryset = getattr(holder, "queryset", None)
        if queryset is not None:
            return queryset.model
        if getattr(holder, "model", None) is not None:
            return holder.model
    return None


def _squash(text):
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _singular(word):
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


class Filler:
    """Picks values for path parameters from a Seed-like bank: ids (label -> [pk]) and tokens."""

    def __init__(self, ids, tokens):
        self.ids = ids
        self.tokens = tokens

    # Fields that name a person with an account (users are platform-wide).
    USER_FIELDS = {
        "owner",
        "investigator",
        "facilitator",
        "staffuser",
        "reviewer",
        "user",
        "panelist",
        "attendee",
        "decidedby",
        "recordedby",
    }

    def _label_for(self, name):
        key = _squash(_singular(name))
        if key in self.USER_FIELDS and self.ids.get("accounts.user"):
            return "accounts.user"
        if not key:
            return None
        labels = [label for label in self.ids if self.ids[label]]
        for test in (
            lambda m: m == key,
            lambda m: m.startswith(key),
            lambda m: m.endswith(key),
        ):
            found = [label for label in labels if test(label.split(".")[1])]
            if found:
                return found[0]
        return None

    def candidates(self, param, regex, name, callback):
        """[(value, how)] for one path parameter, the likeliest first."""
        if param == "format":
            return [("json", "format")]
        if param == "uidb64":
            return [(self.tokens["uidb64"], "reset uid")]
        if param == "token":
            key = "reset" if name and "reset" in name else "invitation"
            return [(self.tokens[key], f"{key} token")]
        if param in ("code", "tracking_code") and self.tokens.get("tracking_code"):
            return [(self.tokens["tracking_code"], "tracking code")]
        if param == "app_label":
            return [(label, "app label") for label in ("workflow", "tenants", "accounts")]
        label = None
        if param in ("pk", "id", "object_id"):
            model = _model_of_view(callback)
            if model is not None:
                label = model._meta.label_lower
            else:  # the route segment before the parameter: cases/<pk>/ -> case
                before = re.findall(r"([A-Za-z_-]+)/(?:\(\?P<|\{)" + param, regex)
                label = self._label_for(before[-1]) if before else None
        else:
            label = self._label_for(re.sub(r"_?(id|pk|uuid)$", "", param))
        if label and self.ids.get(label):
            return [(value, label) for value in self.ids[label][:2]]
        everything = [(pks[0], f"guess:{lbl}") for lbl, pks in sorted(self.ids.items()) if pks]
        return everything or [("1", "guess")]


def _control(value):
    """A value of the same shape that names nothing."""
    if value.isdigit():
        return "9" * max(len(value), 7)
    try:
        uuid.UUID(value)
        return str(uuid.uuid4())
    except ValueError:
        return "z" * len(value) if value not in ("json",) else value


def _fill(urlconf, regex, p, filler):
    """Concrete paths for one pattern; the first filling that resolves back to it wins."""
    try:
        possibilities = normalize(regex)
    except NotImplementedError:
        return None
    for fmt, params in possibilities:
        if not params:
            path = "/" + fmt
            try:
                resolve(path, urlconf)
            except Resolver404:
                continue
            return path, path, {}
        options = [filler.candidates(param, regex, p.name, p.callback) for param in params]
        for pick in range(max(len(o) for o in options)):
            values = {
                param: opts[min(pick, len(opts) - 1)]
                for param, opts in zip(params, options, strict=True)
            }
            path = "/" + fmt % {k: v for k, (v, _how) in values.items()}
            try:
                match = resolve(path, urlconf)
            except Resolver404:
                continue
            if match.func is p.callback or match.route == regex:
                control = "/" + fmt % {k: _control(v) for k, (v, _how) in values.items()}
                return path, control, {k: how for k, (_v, how) in values.items()}
    return None


def url_endpoints(urlconf, filler):
    """(endpoints, unwalkable regexes) for every URL pattern of a URL configuration."""
    endpoints, unwalkable = [], []
    for regex, p in _walk(get_resolver(urlconf).url_patterns, ""):
        filled = _fill(urlconf, regex, p, filler)
        if filled is None:
            unwalkable.append(regex)
            continue
        path, control, how = filled
        endpoints.append(Endpoint(urlconf, regex, p.name, p.callback, how, path, control))
    return endpoints, unwalkable


def openapi_schema(urlconf):
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)


def attach_operations(endpoints, schema, urlconf, filler):
    """Give each endpoint its OpenAPI operations; an operation whose path matches no walked
    endpoint becomes an endpoint of its own. Returns the number of operations."""
    count = 0
    by_regex = []
    for ep in endpoints:
        by_regex.append(ep)
    for template, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method.upper() not in METHODS:
                continue
            count += 1
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
            target = next((ep for ep in by_regex if re.match(pattern, ep.path)), None)
            if target is None:
                values = {}
                for name in re.findall(r"\{([^}]+)\}", template):
                    values[name] = filler.candidates(name, template, None, None)[0][0]
                path = template.format(**values)
                try:
                    match = resolve(path, urlconf)
                except Resolver404:
                    raise AssertionError(f"OpenAPI path {template} resolves nowhere") from None
                target = Endpoint(
                    urlconf,
                    template,
                    match.url_name,
                    match.func,
                    dict.fromkeys(values, "api"),
                    path,
                    template.format(**{k: _control(v) for k, v in values.items()}),
                    source="openapi",
                )
                endpoints.append(target)
                by_regex.append(target)
            target.operations[method.upper()] = operation
    return count


class BodyMaker:
    """A plausible request body from an OpenAPI schema, every id pointing at the target
    program's objects (so a create on the attacker's own site tries to link to them)."""

    def __init__(self, schema, filler, marker):
        self.components = schema.get("components", {}).get("schemas", {})
        self.filler = filler
        self.marker = marker

    def _resolve(self, node):
        while "$ref" in node:
            node = self.components[node["$ref"].rsplit("/", 1)[-1]]
        return node

    def value(self, node, name="", depth=0):
        node = self._resolve(node)
        for combo in ("allOf", "oneOf", "anyOf"):
            if combo in node:
                return self.value(node[combo][0], name, depth)
        if "enum" in node:
            return next((v for v in node["enum"] if v not in (None, "")), None)
        kind = node.get("type")
        if kind == "object" or "properties" in node:
            if depth > 3:
                return {}
            return {
                key: self.value(sub, key, depth + 1)
                for key, sub in node.get("properties", {}).items()
                if not self._resolve(sub).get("readOnly")
            }
        if kind == "array":
            return [self.value(node.get("items", {}), _singular(name), depth + 1)]
        if kind == "integer":
            value = self.filler.candidates(name or "id", "", None, None)[0][0]
            return int(value) if value.isdigit() else 1
        if kind == "number":
            return 1
        if kind == "boolean":
            return True
        fmt = node.get("format", "")
        if fmt == "date-time":
            return "2026-01-01T10:00:00Z"
        if fmt == "date":
            return "2026-01-02"
        if fmt == "uuid":
            return self.filler.candidates(name or "uuid", "", None, None)[0][0]
        if fmt == "binary":
            return None
        return self.marker

    def body(self, operation):
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            return self.value(content["application/json"].get("schema", {}))
        for media in content.values():
            return self.value(media.get("schema", {}))
        return None
