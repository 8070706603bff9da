#!/usr/bin/env python3
"""Generates Sluice's C++ Kafka protocol messages from Apache Kafka's message schemas.

Input: a directory of Kafka's `clients/src/main/resources/common/message/*.json` (JSON with // comments).
Output (src/kafka/protocol/generated/):
  <api>.h / <api>.cc     one pair per API key (request + response) or per header/data schema: a struct per
                         message and per nested struct, with Encode/Decode/Size for every valid version.
  api_registry.h/.cc     the table of API keys, versions, header versions, and type-erased factories.
  random_messages.h, random_<api>.cc
                         Randomize() for every struct, for the round-trip tests (not in the library).
Usage:
  kafka_protocol_gen.py --input DIR --output DIR      write the files
  kafka_protocol_gen.py --input DIR --output DIR --check
                                                      exit 1 when the files differ from a fresh generation
Python 3 standard library only.
"""
import argparse
import filecmp
import json
import os
import re
import sys
import tempfile

INF = 1 << 15
PRIMITIVES = {
    # type: (C++ type, Reader method, Writer method, fixed size)
    "bool": ("bool", "ReadBool", "WriteBool", 1),
    "int8": ("int8_t", "ReadInt8", "WriteInt8", 1),
    "int16": ("int16_t", "ReadInt16", "WriteInt16", 2),
    "uint16": ("uint16_t", "ReadUint16", "WriteUint16", 2),
    "int32": ("int32_t", "ReadInt32", "WriteInt32", 4),
    "uint32": ("uint32_t", "ReadUint32", "WriteUint32", 4),
    "int64": ("int64_t", "ReadInt64", "WriteInt64", 8),
    "float64": ("double", "ReadFloat64", "WriteFloat64", 8),
    "uuid": ("Uuid", "ReadUuid", "WriteUuid", 16),
}
CPP_KEYWORDS = {"default", "delete", "new", "class", "operator", "register", "template", "this", "throw",
                "union", "private", "public", "protected", "namespace", "int", "long", "short", "char",
                "bool", "float", "double", "auto", "static", "const", "struct", "enum", "switch", "case",
                "return", "if", "else", "for", "while", "do", "break", "continue", "goto", "signed",
                "unsigned", "void", "volatile", "virtual", "friend", "inline", "typedef", "typename",
                "using", "sizeof", "explicit", "export", "extern", "mutable", "try", "catch", "and", "or",
                "not", "xor", "errno"}


def strip_comments(text):
    """Removes // comments outside JSON strings."""
    out, i, n, in_str = [], 0, len(text), False
    while i < n:
        c = text[i]
        if in_str:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
            out.append(c)
        elif c == "/" and i + 1 < n and text[i + 1] == "/":
            while i < n and text[i] != "\n":
                i += 1
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def parse_versions(s):
    """'0+', '1-3', '3', 'none' -> (lo, hi) with hi inclusive, or None."""
    if s is None:
        return None
    s = s.strip()
    if s == "none" or s == "":
        return None
    if s.endswith("+"):
        return (int(s[:-1]), INF)
    if "-" in s:
        lo, hi = s.split("-")
        return (int(lo), int(hi))
    return (int(s), int(s))


def intersect(a, b):
    if a is None or b is None:
        return None
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    return (lo, hi) if lo <= hi else None


def snake(name):
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    s = s.lower()
    return s + "_" if s in CPP_KEYWORDS else s


def version_cond(rng, valid):
    """C++ condition on `version` for membership in rng, simplified against the valid range."""
    r = intersect(rng, valid)
    if r is None:
        return "false"
    conds = []
    if r[0] > valid[0]:
        conds.append(f"v >= {r[0]}")
    if r[1] < valid[1]:
        conds.append(f"v <= {r[1]}")
    return " && ".join(conds) if conds else "true"


class Field:
    def __init__(self, d, msg):
        self.name = d["name"]
        self.member = snake(self.name)
        self.type = d["type"].strip()
        self.versions = parse_versions(d.get("versions"))
        self.nullable = parse_versions(d.get("nullableVersions"))
        self.tagged = parse_versions(d.get("taggedVersions"))
        self.tag = int(d["tag"]) if d.get("tag") is not None else None
        self.default = d.get("default")
        if isinstance(self.default, bool):
            self.default = "true" if self.default else "false"
        elif self.default is not None:
            self.default = str(self.default)
        self.ignorable = bool(d.get("ignorable", False))
        self.flexible_override = d.get("flexibleVersions")
        self.about = d.get("about", "")
        self.is_array = self.type.startswith("[]")
        self.elem = self.type[2:] if self.is_array else self.type
        self.is_struct = self.elem not in PRIMITIVES and self.elem not in ("string", "bytes", "records")
        if self.is_struct and "fields" in d:
            msg.add_struct(self.elem, d["fields"])
        self.msg = msg

    # ---- classification -------------------------------------------------------------------------
    def optional(self):
        """The C++ member is std::optional<...> (nullable in some version)."""
        return self.nullable is not None and (self.is_array or self.elem in ("string", "bytes", "records")
                                              or self.is_struct)

    def elem_cpp(self):
        if self.elem in PRIMITIVES:
            return PRIMITIVES[self.elem][0]
        if self.elem == "string":
            return "std::string"
        if self.elem in ("bytes", "records"):
            return "SharedBytes"
        return self.elem

    def cpp_type(self):
        base = f"std::vector<{self.elem_cpp()}>" if self.is_array else self.elem_cpp()
        return f"std::optional<{base}>" if self.optional() else base

    def default_expr(self):
        t = self.cpp_type()
        d = self.default
        if self.is_array:
            if self.optional() and d == "null":
                return f"{t}(std::nullopt)"
            return f"{t}(std::vector<{self.elem_cpp()}>{{}})" if self.optional() else f"{t}{{}}"
        if self.elem in PRIMITIVES:
            if self.elem == "bool":
                return "true" if d == "true" else "false"
            if self.elem == "float64":
                return f"{float(d) if d else 0.0!r}"
            if self.elem == "uuid":
                return "Uuid{}"
            v = int(d, 0) if d not in (None, "") else 0
            return f"static_cast<{t}>({v}LL)"
        if self.elem == "string":
            if self.optional():
                if d == "null":
                    return f"{t}(std::nullopt)"
                return f"{t}(std::string({json.dumps(d or '')}))"
            return f"std::string({json.dumps(d or '')})"
        if self.elem in ("bytes", "records"):
            if self.optional():
                return f"{t}(std::nullopt)" if d == "null" else f"{t}(SharedBytes{{}})"
            return "SharedBytes{}"
        # struct
        if self.optional():
            return f"{t}(std::nullopt)" if d == "null" else f"{t}({self.elem}{{}})"
        return f"{self.elem}{{}}"

    # ---- version conditions ---------------------------------------------------------------------
    def regular_versions(self):
        """Versions in which the field is written in the fixed part."""
        v = intersect(self.versions, self.msg.valid)
        if v is None:
            return None
        if self.tagged is not None:
            # Kafka requires taggedVersions to be a suffix of versions; the rest is regular.
            if self.tagged[0] <= v[0]:
                return None
            return (v[0], min(v[1], self.tagged[0] - 1))
        return v

    def tagged_versions(self):
        return intersect(intersect(self.versions, self.tagged), self.msg.valid) if self.tagged else None

    def compact_cond(self):
        if self.flexible_override is not None:
            return version_cond(parse_versions(self.flexible_override), self.msg.valid)
        return self.msg.flex_cond()

    def nullable_cond(self):
        """Condition for nullability, simplified within the versions where the field is present."""
        present = intersect(self.versions, self.msg.valid)
        if not self.nullable or present is None:
            return "false"
        return version_cond(self.nullable, present)

    def min_elem_size(self):
        if self.elem in PRIMITIVES:
            return PRIMITIVES[self.elem][3]
        return 1


class Struct:
    def __init__(self, name, fields_json, msg):
        self.name = name
        self.fields = [Field(f, msg) for f in fields_json]


class Message:
    def __init__(self, spec, path):
        self.spec = spec
        self.path = path
        self.name = spec["name"]
        self.kind = spec["type"]
        self.api_key = spec.get("apiKey")
        self.valid = parse_versions(spec["validVersions"])
        self.flexible = parse_versions(spec.get("flexibleVersions", "none"))
        self.structs = []  # nested first, in dependency order
        self.struct_names = set()
        for cs in spec.get("commonStructs", []):
            self.add_struct(cs["name"], cs["fields"])
        self.top = Struct(self.name, [], self)
        self.top.fields = [Field(f, self) for f in spec.get("fields", [])]
        self.structs = self.dependency_order()

    def dependency_order(self):
        """Structs ordered so that each comes after the structs its fields hold by value."""
        by_name = {st.name: st for st in self.structs}
        done, order = set(), []

        def visit(st):
            if st.name in done:
                return
            done.add(st.name)
            for f in st.fields:
                if f.is_struct and f.elem in by_name:
                    visit(by_name[f.elem])
            order.append(st)

        for st in self.structs:
            visit(st)
        return order

    def add_struct(self, name, fields_json):
        if name in self.struct_names:
            return
        self.struct_names.add(name)
        s = Struct(name, fields_json, self)  # registers children first
        self.structs.append(s)

    def flex_cond(self):
        return version_cond(self.flexible, self.valid) if self.flexible else "false"

    def first_flexible(self):
        f = intersect(self.flexible, self.valid) if self.flexible else None
        return f[0] if f else -1


# ---- code emission --------------------------------------------------------------------------------

def err(msg, field, what):
    return (f'return Status::Unsupported("{msg.name}.{field.name}: {what} at version " + '
            f'std::to_string(v))')


def write_value(f, expr, w, lines, ind, msg):
    """Emits code writing `expr` (of f's full C++ type) for the current version."""
    c = f.compact_cond()
    if f.is_array:
        ref = expr
        if f.optional():
            lines.append(f"{ind}if (!{expr}) {{")
            lines.append(f"{ind}  if (!({f.nullable_cond()})) {err(msg, f, 'null for a non-nullable field')};")
            lines.append(f"{ind}  {w}.WriteArrayLength({c}, -1);")
            lines.append(f"{ind}}} else {{")
            ind2 = ind + "  "
            ref = f"(*{expr})"
        else:
            ind2 = ind
        lines.append(f"{ind2}{w}.WriteArrayLength({c}, static_cast<int32_t>({ref}.size()));")
        lines.append(f"{ind2}for (const auto& e : {ref}) {{")
        write_elem(f, "e", w, lines, ind2 + "  ", msg, c)
        lines.append(f"{ind2}}}")
        if f.optional():
            lines.append(f"{ind}}}")
        return
    if f.optional():
        if f.nullable_cond() != "true":
            lines.append(f"{ind}if (!{expr} && !({f.nullable_cond()})) {err(msg, f, 'null for a non-nullable field')};")
        if f.elem == "string":
            if c != "true":
                lines.append(f"{ind}if ({expr} && !({c}) && {expr}->size() > 0x7fff) "
                             f"{err(msg, f, 'string longer than 32767 bytes')};")
            lines.append(f"{ind}{w}.WriteNullableString({c}, {expr});")
        elif f.elem in ("bytes", "records"):
            lines.append(f"{ind}{w}.WriteNullableBytes({c}, {expr});")
        else:  # struct
            lines.append(f"{ind}if (!{expr}) {{")
            lines.append(f"{ind}  {w}.WriteInt8(-1);")
            lines.append(f"{ind}}} else {{")
            lines.append(f"{ind}  {w}.WriteInt8(1);")
            lines.append(f"{ind}  RETURN_IF_ERROR({expr}->Encode({w}, v));")
            lines.append(f"{ind}}}")
        return
    write_elem(f, expr, w, lines, ind, msg, c)


def write_elem(f, expr, w, lines, ind, msg, c):
    if f.elem in PRIMITIVES:
        lines.append(f"{ind}{w}.{PRIMITIVES[f.elem][2]}({expr});")
    elif f.elem == "string":
        if c != "true":
            lines.append(f"{ind}if (!({c}) && {expr}.size() > 0x7fff) {err(msg, f, 'string longer than 32767 bytes')};")
        lines.append(f"{ind}{w}.WriteString({c}, {expr});")
    elif f.elem in ("bytes", "records"):
        lines.append(f"{ind}{w}.WriteBytes({c}, {expr}.span());")
    else:
        lines.append(f"{ind}RETURN_IF_ERROR({expr}.Encode({w}, v));")


def read_value(f, expr, r, lines, ind, msg):
    c = f.compact_cond()
    if f.is_array:
        lines.append(f"{ind}{{")
        lines.append(f"{ind}  int32_t n = 0;")
        lines.append(f"{ind}  RETURN_IF_ERROR({r}.ReadArrayLength({c}, {f.min_elem_size()}, &n));")
        lines.append(f"{ind}  if (n < 0) {{")
        if f.optional():
            lines.append(f"{ind}    if (!({f.nullable_cond()})) return Status::Corruption(\"{msg.name}.{f.name}: null array where null is not allowed\");")
            lines.append(f"{ind}    {expr}.reset();")
        else:
            lines.append(f"{ind}    return Status::Corruption(\"{msg.name}.{f.name}: null array where null is not allowed\");")
        lines.append(f"{ind}  }} else {{")
        vec = f"{expr}.emplace()" if f.optional() else expr
        lines.append(f"{ind}    auto& vec = {vec};")
        lines.append(f"{ind}    vec.clear();")
        lines.append(f"{ind}    vec.reserve(static_cast<size_t>(n));")
        lines.append(f"{ind}    for (int32_t i = 0; i < n; ++i) {{")
        lines.append(f"{ind}      auto& e = vec.emplace_back();")
        read_elem(f, "e", r, lines, ind + "      ", msg, c)
        lines.append(f"{ind}    }}")
        lines.append(f"{ind}  }}")
        lines.append(f"{ind}}}")
        return
    if f.optional():
        nc = f.nullable_cond()
        if nc in ("true", "false") and f.elem in ("string", "bytes", "records"):
            kind = "String" if f.elem == "string" else "Bytes"
            if nc == "true":
                lines.append(f"{ind}RETURN_IF_ERROR({r}.ReadNullable{kind}({c}, &{expr}));")
            else:
                lines.append(f"{ind}RETURN_IF_ERROR({r}.Read{kind}({c}, &{expr}.emplace()));")
            return
        if f.elem == "string":
            lines.append(f"{ind}if ({nc}) {{")
            lines.append(f"{ind}  RETURN_IF_ERROR({r}.ReadNullableString({c}, &{expr}));")
            lines.append(f"{ind}}} else {{")
            lines.append(f"{ind}  RETURN_IF_ERROR({r}.ReadString({c}, &{expr}.emplace()));")
            lines.append(f"{ind}}}")
        elif f.elem in ("bytes", "records"):
            lines.append(f"{ind}if ({nc}) {{")
            lines.append(f"{ind}  RETURN_IF_ERROR({r}.ReadNullableBytes({c}, &{expr}));")
            lines.append(f"{ind}}} else {{")
            lines.append(f"{ind}  RETURN_IF_ERROR({r}.ReadBytes({c}, &{expr}.emplace()));")
            lines.append(f"{ind}}}")
        else:
            lines.append(f"{ind}{{")
            lines.append(f"{ind}  int8_t marker = 0;")
            lines.append(f"{ind}  RETURN_IF_ERROR({r}.ReadInt8(&marker));")
            lines.append(f"{ind}  if (marker < 0) {{")
            lines.append(f"{ind}    if (!({nc})) return Status::Corruption(\"{msg.name}.{f.name}: null struct where null is not allowed\");")
            lines.append(f"{ind}    {expr}.reset();")
            lines.append(f"{ind}  }} else {{")
            # Assign rather than emplace(): clang caches is_constructible of a nested struct while the
            # enclosing struct is incomplete and then rejects emplace().
            lines.append(f"{ind}    {expr} = {f.elem}{{}};")
            lines.append(f"{ind}    RETURN_IF_ERROR({expr}->Decode({r}, v));")
            lines.append(f"{ind}  }}")
            lines.append(f"{ind}}}")
        return
    read_elem(f, expr, r, lines, ind, msg, c)


def read_elem(f, expr, r, lines, ind, msg, c):
    if f.elem in PRIMITIVES:
        lines.append(f"{ind}RETURN_IF_ERROR({r}.{PRIMITIVES[f.elem][1]}(&{expr}));")
    elif f.elem == "string":
        lines.append(f"{ind}RETURN_IF_ERROR({r}.ReadString({c}, &{expr}));")
    elif f.elem in ("bytes", "records"):
        lines.append(f"{ind}RETURN_IF_ERROR({r}.ReadBytes({c}, &{expr}));")
    else:
        lines.append(f"{ind}RETURN_IF_ERROR({expr}.Decode({r}, v));")


def size_value(f, expr):
    """C++ expression for the encoded size of `expr`."""
    c = f.compact_cond()
    if f.is_array:
        ref = f"(*{expr})" if f.optional() else expr
        inner = f"ArrayLengthSize({c}, {ref}.size()) + {size_elems(f, ref, c)}"
        if f.optional():
            return f"({expr} ? {inner} : ArrayLengthSize({c}, 0))"
        return f"({inner})"
    if f.optional():
        if f.elem == "string":
            return f"NullableStringSize({c}, {expr})"
        if f.elem in ("bytes", "records"):
            return f"NullableBytesSize({c}, {expr})"
        return f"(1 + ({expr} ? {expr}->Size(v) : 0))"
    return size_elem(f, expr, c)


def size_elem(f, expr, c):
    if f.elem in PRIMITIVES:
        return str(PRIMITIVES[f.elem][3])
    if f.elem == "string":
        return f"StringSize({c}, {expr}.size())"
    if f.elem in ("bytes", "records"):
        return f"BytesSize({c}, {expr}.size())"
    return f"{expr}.Size(v)"


def size_elems(f, ref, c):
    if f.elem in PRIMITIVES:
        return f"{ref}.size() * {PRIMITIVES[f.elem][3]}"
    return f"[&] {{ size_t s = 0; for (const auto& e : {ref}) s += {size_elem(f, 'e', c)}; return s; }}()"


def tagged_fields(s):
    tf = [f for f in s.fields if f.tagged_versions() is not None]
    return sorted(tf, key=lambda f: f.tag)


def emit_struct_decl(s, msg, is_top, out):
    out.append(f"struct {s.name} {{")
    if is_top:
        out.append(f"  static constexpr int16_t kLowestSupportedVersion = {msg.valid[0]};")
        out.append(f"  static constexpr int16_t kHighestSupportedVersion = {msg.valid[1]};")
        out.append(f"  static constexpr int16_t kLowestFlexibleVersion = {msg.first_flexible()};  // -1: none")
        if msg.api_key is not None:
            out.append(f"  static constexpr int16_t kApiKey = {msg.api_key};")
        out.append("")
        for ns in msg.structs:
            emit_struct_decl(ns, msg, False, out)
            out.append("")
    for f in s.fields:
        about = " ".join(f.about.split())
        if about:
            out.append(f"  // {about}")
        out.append(f"  {f.cpp_type()} {f.member} = {f.default_expr()};")
    out.append("  // Tagged fields this code does not know, kept for re-encoding.")
    out.append("  std::vector<RawTaggedField> unknown_tagged_fields;")
    out.append("")
    out.append("  Status Encode(Writer& w, int16_t version) const;")
    out.append("  // REQUIRES: *this is default-constructed or may be overwritten.")
    out.append("  Status Decode(Reader& r, int16_t version);")
    out.append("  size_t Size(int16_t version) const;")
    out.append(f"  bool operator==(const {s.name}&) const = default;")
    out.append("};")


def emit_struct_impl(s, qual, msg, is_top, out):
    flex = msg.flex_cond()
    tfs = tagged_fields(s)
    vcheck = (f"  if (v < {msg.valid[0]} || v > {msg.valid[1]}) "
              f"return Status::Unsupported(\"{msg.name}: unsupported version \" + std::to_string(v));")
    # Encode
    out.append(f"Status {qual}::Encode([[maybe_unused]] Writer& w, [[maybe_unused]] int16_t v) const {{")
    if is_top:
        out.append(vcheck)
    for f in s.fields:
        rv = f.regular_versions()
        cond = version_cond(rv, msg.valid) if rv else "false"
        absent_check = (not f.ignorable) and f.tagged_versions() is None
        if cond == "true":
            write_value(f, f.member, "w", out, "  ", msg)
        elif cond == "false":
            if absent_check:
                out.append(f"  if ({f.member} != {f.default_expr()}) {err(msg, f, 'non-default value not supported')};")
        else:
            out.append(f"  if ({cond}) {{")
            write_value(f, f.member, "w", out, "    ", msg)
            if absent_check:
                out.append(f"  }} else if ({f.member} != {f.default_expr()}) {{")
                out.append(f"    {err(msg, f, 'non-default value not supported')};")
            out.append("  }")
    for f in tfs:
        if not f.ignorable:
            tv = version_cond(f.tagged_versions(), msg.valid)
            out.append(f"  if (!({tv}) && {f.member} != {f.default_expr()}) {err(msg, f, 'non-default value not supported')};")
    if flex != "false":
        out.append(f"  if ({flex}) {{")
        out.append("    uint32_t num_tagged = static_cast<uint32_t>(unknown_tagged_fields.size());")
        for f in tfs:
            tv = version_cond(f.tagged_versions(), msg.valid)
            out.append(f"    const bool has_{f.member} = ({tv}) && {f.member} != {f.default_expr()};")
            out.append(f"    if (has_{f.member}) ++num_tagged;")
        out.append("    w.WriteUnsignedVarint(num_tagged);")
        out.append("    size_t unknown_index = 0;")
        for f in tfs:
            if f.tag > 0:
                out.append(f"    while (unknown_index < unknown_tagged_fields.size() && unknown_tagged_fields[unknown_index].tag < {f.tag}) {{")
                out.append("      const auto& u = unknown_tagged_fields[unknown_index++];")
                out.append("      w.WriteUnsignedVarint(u.tag);")
                out.append("      w.WriteUnsignedVarint(static_cast<uint32_t>(u.data.size()));")
                out.append("      w.WriteRaw(u.data.data(), u.data.size());")
                out.append("    }")
            out.append(f"    if (has_{f.member}) {{")
            out.append(f"      w.WriteUnsignedVarint({f.tag});")
            out.append(f"      w.WriteUnsignedVarint(static_cast<uint32_t>({size_value(f, f.member)}));")
            write_value(f, f.member, "w", out, "      ", msg)
            out.append("    }")
        out.append("    for (; unknown_index < unknown_tagged_fields.size(); ++unknown_index) {")
        out.append("      const auto& u = unknown_tagged_fields[unknown_index];")
        out.append("      w.WriteUnsignedVarint(u.tag);")
        out.append("      w.WriteUnsignedVarint(static_cast<uint32_t>(u.data.size()));")
        out.append("      w.WriteRaw(u.data.data(), u.data.size());")
        out.append("    }")
        out.append("  }")
    out.append("  return Status::OK();")
    out.append("}")
    out.append("")
    # Decode
    out.append(f"Status {qual}::Decode([[maybe_unused]] Reader& r, [[maybe_unused]] int16_t v) {{")
    if is_top:
        out.append(vcheck)
    out.append(f"  *this = {s.name}{{}};")
    for f in s.fields:
        rv = f.regular_versions()
        cond = version_cond(rv, msg.valid) if rv else "false"
        if cond == "false":
            continue
        if cond == "true":
            read_value(f, f.member, "r", out, "  ", msg)
        else:
            out.append(f"  if ({cond}) {{")
            read_value(f, f.member, "r", out, "    ", msg)
            out.append("  }")
    if flex != "false":
        out.append(f"  if ({flex}) {{")
        out.append("    uint32_t num_tagged = 0;")
        out.append("    RETURN_IF_ERROR(r.ReadUnsignedVarint(&num_tagged));")
        out.append("    for (uint32_t ti = 0; ti < num_tagged; ++ti) {")
        out.append("      uint32_t tag = 0, tag_size = 0;")
        out.append("      RETURN_IF_ERROR(r.ReadUnsignedVarint(&tag));")
        out.append("      RETURN_IF_ERROR(r.ReadUnsignedVarint(&tag_size));")
        out.append("      SharedBytes raw;")
        out.append("      RETURN_IF_ERROR(r.ReadSharedBytes(tag_size, &raw));")
        first = True
        for f in tfs:
            tv = version_cond(f.tagged_versions(), msg.valid)
            kw = "if" if first else "} else if"
            first = False
            out.append(f"      {kw} (tag == {f.tag} && ({tv})) {{")
            out.append("        Reader sub(raw);")
            read_value(f, f.member, "sub", out, "        ", msg)
        if tfs:
            out.append("      } else {")
            out.append("        unknown_tagged_fields.push_back(RawTaggedField{tag, std::move(raw)});")
            out.append("      }")
        else:
            out.append("      unknown_tagged_fields.push_back(RawTaggedField{tag, std::move(raw)});")
        out.append("    }")
        out.append("  }")
    out.append("  return Status::OK();")
    out.append("}")
    out.append("")
    # Size
    out.append(f"size_t {qual}::Size([[maybe_unused]] int16_t v) const {{")
    out.append("  size_t total = 0;")
    for f in s.fields:
        rv = f.regular_versions()
        cond = version_cond(rv, msg.valid) if rv else "false"
        if cond == "false":
            continue
        if cond == "true":
            out.append(f"  total += {size_value(f, f.member)};")
        else:
            out.append(f"  if ({cond}) total += {size_value(f, f.member)};")
    if flex != "false":
        out.append(f"  if ({flex}) {{")
        out.append("    uint32_t num_tagged = static_cast<uint32_t>(unknown_tagged_fields.size());")
        for f in tfs:
            tv = version_cond(f.tagged_versions(), msg.valid)
            out.append(f"    if (({tv}) && {f.member} != {f.default_expr()}) {{")
            out.append("      ++num_tagged;")
            out.append(f"      const size_t field_size = {size_value(f, f.member)};")
            out.append(f"      total += UnsignedVarintSize({f.tag}) + UnsignedVarintSize(static_cast<uint32_t>(field_size)) + field_size;")
            out.append("    }")
        out.append("    for (const auto& u : unknown_tagged_fields) {")
        out.append("      total += UnsignedVarintSize(u.tag) + UnsignedVarintSize(static_cast<uint32_t>(u.data.size())) + u.data.size();")
        out.append("    }")
        out.append("    total += UnsignedVarintSize(num_tagged);")
        out.append("  }")
    out.append("  return total;")
    out.append("}")
    out.append("")


def emit_randomize(s, qual, msg, out):
    out.append(f"void Randomize([[maybe_unused]] {qual}* m, [[maybe_unused]] RandomSource& rng, [[maybe_unused]] int16_t v) {{")
    for f in s.fields:
        present = intersect(f.versions, msg.valid)
        cond = version_cond(present, msg.valid) if present else "false"
        if cond == "false":
            continue
        out.append(f"  if ({cond}) {{")
        expr = f"m->{f.member}"
        nc = f.nullable_cond()
        if f.optional():
            out.append(f"    if (({nc}) && rng.OneIn(5)) {{")
            out.append(f"      {expr}.reset();")
            out.append("    } else {")
            if f.is_struct and not f.is_array:
                out.append(f"      {expr} = {msg.name}::{f.elem}{{}};  // not emplace(): see Decode")
                rand_value(f, f"*{expr}", out, "      ", msg, qual)
            else:
                rand_value(f, f"{expr}.emplace()", out, "      ", msg, qual)
            out.append("    }")
        else:
            rand_value(f, expr, out, "    ", msg, qual)
        out.append("  }")
    out.append("}")
    out.append("")


def rand_value(f, expr, out, ind, msg, qual):
    if f.is_array:
        out.append(f"{ind}{{")
        out.append(f"{ind}  auto& vec = {expr};")
        out.append(f"{ind}  vec.resize(rng.Uniform(4));")
        out.append(f"{ind}  for (auto& e : vec) {{")
        rand_elem(f, "e", out, ind + "    ", msg, qual)
        out.append(f"{ind}  }}")
        out.append(f"{ind}}}")
    else:
        rand_elem(f, expr, out, ind, msg, qual)


def rand_elem(f, expr, out, ind, msg, qual):
    e = f.elem
    if e == "bool":
        out.append(f"{ind}{expr} = rng.OneIn(2);")
    elif e == "float64":
        out.append(f"{ind}{expr} = rng.Double();")
    elif e == "uuid":
        out.append(f"{ind}{expr} = rng.RandomUuid();")
    elif e in PRIMITIVES:
        out.append(f"{ind}{expr} = static_cast<{PRIMITIVES[e][0]}>(rng.Next());")
    elif e == "string":
        out.append(f"{ind}{expr} = rng.String();")
    elif e in ("bytes", "records"):
        out.append(f"{ind}{expr} = rng.Bytes();")
    else:
        out.append(f"{ind}Randomize(&({expr}), rng, v);")


def emit_registry_entries(msg):
    return msg


def file_stem(name):
    return snake(name).rstrip("_")


HEADER_PREAMBLE = """// GENERATED by tools/kafka_protocol_gen.py from Apache Kafka's message schemas ({src}).
// DO NOT EDIT: change the generator and run scripts/gen-protocol.
//
// Structs for {what}: every field of every valid version, Encode/Decode/Size per version.
// Thread-safety: plain values; distinct objects may be used from different threads.
"""


def generate(input_dir, out_dir):
    msgs = []
    for fn in sorted(os.listdir(input_dir)):
        if not fn.endswith(".json"):
            continue
        with open(os.path.join(input_dir, fn), encoding="utf-8") as fh:
            spec = json.loads(strip_comments(fh.read()))
        msgs.append(Message(spec, fn))
    src_commit = "unknown commit"
    sc = os.path.join(os.path.dirname(os.path.abspath(input_dir)), "SOURCE_COMMIT")
    if os.path.exists(sc):
        with open(sc, encoding="utf-8") as fh:
            src_commit = "commit " + fh.read().split()[0]

    # Group: one file per API key, else one per schema.
    groups = {}
    for m in msgs:
        if m.api_key is not None:
            stem = file_stem(re.sub(r"(Request|Response)$", "", m.name))
        else:
            stem = file_stem(m.name)
        groups.setdefault(stem, []).append(m)

    files = {}
    for stem, ms in sorted(groups.items()):
        ms.sort(key=lambda m: (m.kind != "request", m.name))
        what = ", ".join(m.name for m in ms)
        h = [HEADER_PREAMBLE.format(src=src_commit, what=what), "#pragma once", "",
             "#include <cstdint>", "#include <optional>", "#include <string>", "#include <vector>", "",
             '#include "base/status.h"', '#include "kafka/protocol/wire.h"', "",
             "namespace sluice::kafka::messages {", ""]
        cc = [HEADER_PREAMBLE.format(src=src_commit, what=what).replace("Structs for", "Codec of"),
              f'#include "kafka/protocol/generated/{stem}.h"', "", "#include <string>", "",
              "namespace sluice::kafka::messages {", ""]
        for m in ms:
            emit_struct_decl(m.top, m, True, h)
            h.append("")
            for ns in m.structs:
                emit_struct_impl(ns, f"{m.name}::{ns.name}", m, False, cc)
            emit_struct_impl(m.top, m.name, m, True, cc)
        h.append("}  // namespace sluice::kafka::messages")
        cc.append("}  // namespace sluice::kafka::messages")
        files[f"{stem}.h"] = "\n".join(h) + "\n"
        files[f"{stem}.cc"] = "\n".join(cc) + "\n"

        # Randomizers for the round-trip tests.
        rc = ["// GENERATED by tools/kafka_protocol_gen.py. DO NOT EDIT.",
              f"// Randomize() for {what}: random values for the fields present in a version (tests only).",
              '#include "kafka/protocol/generated/random_messages.h"', "",
              "namespace sluice::kafka::messages {", ""]
        for m in ms:
            for ns in m.structs:
                emit_randomize(ns, f"{m.name}::{ns.name}", m, rc)
            emit_randomize(m.top, m.name, m, rc)
        rc.append("}  // namespace sluice::kafka::messages")
        files[f"random_{stem}.cc"] = "\n".join(rc) + "\n"

    # random_messages.h: declarations.
    rh = ["// GENERATED by tools/kafka_protocol_gen.py. DO NOT EDIT.",
          "// Randomize() overloads for every generated struct (round-trip tests only, not in the library).",
          "// RandomSource is defined by the test (random_source.h beside the test).",
          "#pragma once", "", "#include <type_traits>", "", '#include "kafka/protocol/generated/all_messages.h"',
          '#include "kafka/protocol/random_source.h"', "", "namespace sluice::kafka::messages {", ""]
    for stem, ms in sorted(groups.items()):
        for m in ms:
            for ns in m.structs:
                rh.append(f"void Randomize({m.name}::{ns.name}* m, RandomSource& rng, int16_t version);")
            rh.append(f"void Randomize({m.name}* m, RandomSource& rng, int16_t version);")
    rh += ["", "// Calls f(std::type_identity<T>{}, name) for every generated top-level struct T.",
           "template <typename F>", "void ForEachMessageType(F&& f) {"]
    for stem, ms in sorted(groups.items()):
        for m in ms:
            rh.append(f'  f(std::type_identity<{m.name}>{{}}, "{m.name}");')
    rh += ["}", "", "}  // namespace sluice::kafka::messages"]
    files["random_messages.h"] = "\n".join(rh) + "\n"

    # all_messages.h
    am = ["// GENERATED by tools/kafka_protocol_gen.py. DO NOT EDIT.",
          "// Includes every generated message header.", "#pragma once", ""]
    am += [f'#include "kafka/protocol/generated/{stem}.h"' for stem in sorted(groups)]
    files["all_messages.h"] = "\n".join(am) + "\n"

    files.update(emit_registry(groups, src_commit))
    write_files(files, out_dir)


def emit_registry(groups, src_commit):
    apis = {}
    for stem, ms in groups.items():
        for m in ms:
            if m.api_key is None:
                continue
            apis.setdefault(m.api_key, {})[m.kind] = m
            apis[m.api_key]["stem"] = stem
    h = ["// GENERATED by tools/kafka_protocol_gen.py. DO NOT EDIT.",
         "//",
         "// The table of Kafka APIs (key, name, versions, flexible versions) and type-erased access to the",
         "// generated request/response structs, for dispatch by API key (broker, fuzzer, tests).",
         "// Thread-safety: the table is immutable; AnyMessage objects are not synchronised.",
         "#pragma once", "", "#include <cstdint>", "#include <memory>", "#include <span>",
         "#include <string_view>", "", '#include "base/status.h"', '#include "kafka/protocol/wire.h"', "",
         "namespace sluice::kafka {", "",
         "struct ApiInfo {",
         "  int16_t key;",
         "  std::string_view name;",
         "  int16_t min_version;",
         "  int16_t max_version;",
         "  int16_t request_first_flexible;   // -1: never flexible",
         "  int16_t response_first_flexible;  // -1: never flexible",
         "};", "",
         "// Every API key with schemas, ascending by key.",
         "std::span<const ApiInfo> AllApis();",
         "// nullptr for an unknown key.",
         "const ApiInfo* FindApi(int16_t api_key);",
         "// Request header version for a request: 2 for flexible versions, 1 otherwise (0 for",
         "// ControlledShutdown v0). REQUIRES: api_key known.",
         "int16_t RequestHeaderVersion(int16_t api_key, int16_t api_version);",
         "// Response header version: 1 for flexible versions, 0 otherwise; always 0 for ApiVersions.",
         "int16_t ResponseHeaderVersion(int16_t api_key, int16_t api_version);", "",
         "// A generated message behind a virtual interface.",
         "class AnyMessage {",
         " public:",
         "  virtual ~AnyMessage() = default;",
         "  virtual int16_t api_key() const = 0;",
         "  virtual std::string_view name() const = 0;",
         "  virtual Status Encode(Writer& w, int16_t version) const = 0;",
         "  virtual Status Decode(Reader& r, int16_t version) = 0;",
         "  virtual size_t Size(int16_t version) const = 0;",
         "  virtual bool Equals(const AnyMessage& other) const = 0;",
         "  // The struct inside; T must be its exact type.",
         "  template <typename T>",
         "  T& As() { return *static_cast<T*>(Raw()); }",
         "",
         " protected:",
         "  virtual void* Raw() = 0;",
         "};", "",
         "// A new default request/response struct for the key; nullptr for an unknown key.",
         "std::unique_ptr<AnyMessage> NewRequest(int16_t api_key);",
         "std::unique_ptr<AnyMessage> NewResponse(int16_t api_key);", "",
         "}  // namespace sluice::kafka"]
    cc = ["// GENERATED by tools/kafka_protocol_gen.py. DO NOT EDIT.",
          '#include "kafka/protocol/generated/api_registry.h"', "", "#include <algorithm>", "",
          '#include "kafka/protocol/generated/all_messages.h"', "",
          "namespace sluice::kafka {", "", "namespace {", "",
          "constexpr ApiInfo kApis[] = {"]
    for key in sorted(apis):
        a = apis[key]
        rq, rs = a["request"], a["response"]
        name = re.sub(r"Request$", "", rq.name)
        cc.append(f'    {{{key}, "{name}", {rq.valid[0]}, {rq.valid[1]}, {rq.first_flexible()}, {rs.first_flexible()}}},')
    cc += ["};", "",
           "template <typename T>",
           "class Holder final : public AnyMessage {",
           " public:",
           "  int16_t api_key() const override { return T::kApiKey; }",
           "  std::string_view name() const override { return name_; }",
           "  Status Encode(Writer& w, int16_t version) const override { return msg_.Encode(w, version); }",
           "  Status Decode(Reader& r, int16_t version) override { return msg_.Decode(r, version); }",
           "  size_t Size(int16_t version) const override { return msg_.Size(version); }",
           "  bool Equals(const AnyMessage& other) const override {",
           "    const auto* o = dynamic_cast<const Holder*>(&other);",
           "    return o != nullptr && o->msg_ == msg_;",
           "  }",
           "  explicit Holder(std::string_view n) : name_(n) {}",
           "",
           " protected:",
           "  void* Raw() override { return &msg_; }",
           "",
           " private:",
           "  T msg_;",
           "  std::string_view name_;",
           "};", "",
           "}  // namespace", "",
           "std::span<const ApiInfo> AllApis() { return kApis; }", "",
           "const ApiInfo* FindApi(int16_t api_key) {",
           "  auto it = std::lower_bound(std::begin(kApis), std::end(kApis), api_key,",
           "                             [](const ApiInfo& a, int16_t k) { return a.key < k; });",
           "  return it != std::end(kApis) && it->key == api_key ? &*it : nullptr;",
           "}", "",
           "int16_t RequestHeaderVersion(int16_t api_key, int16_t api_version) {",
           "  const ApiInfo* api = FindApi(api_key);",
           "  if (api == nullptr) return 1;",
           "  if (api_key == 7 && api_version == 0) return 0;  // ControlledShutdown v0 has no client id",
           "  return api->request_first_flexible >= 0 && api_version >= api->request_first_flexible ? 2 : 1;",
           "}", "",
           "int16_t ResponseHeaderVersion(int16_t api_key, int16_t api_version) {",
           "  if (api_key == 18) return 0;  // ApiVersions responses always use header v0",
           "  const ApiInfo* api = FindApi(api_key);",
           "  if (api == nullptr) return 0;",
           "  return api->response_first_flexible >= 0 && api_version >= api->response_first_flexible ? 1 : 0;",
           "}", ""]
    for kind, fn in (("request", "NewRequest"), ("response", "NewResponse")):
        cc.append(f"std::unique_ptr<AnyMessage> {fn}(int16_t api_key) {{")
        cc.append("  switch (api_key) {")
        for key in sorted(apis):
            m = apis[key][kind]
            cc.append(f'    case {key}: return std::make_unique<Holder<messages::{m.name}>>("{m.name}");')
        cc.append("    default: return nullptr;")
        cc.append("  }")
        cc.append("}")
        cc.append("")
    cc.append("}  // namespace sluice::kafka")
    return {"api_registry.h": "\n".join(h) + "\n", "api_registry.cc": "\n".join(cc) + "\n"}


def write_files(files, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    files[".clang-format"] = "DisableFormat: true\nSortIncludes: Never\n"
    for name, text in files.items():
        path = os.path.join(out_dir, name)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                if fh.read() == text:
                    continue
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    for name in os.listdir(out_dir):
        if name not in files:
            os.remove(os.path.join(out_dir, name))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True, help="directory of Kafka message *.json schemas")
    ap.add_argument("--output", required=True, help="output directory (src/kafka/protocol/generated)")
    ap.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on difference")
    args = ap.parse_args()
    if not args.check:
        generate(args.input, args.output)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        generate(args.input, tmp)
        cmp = filecmp.dircmp(tmp, args.output)
        diff = cmp.left_only + cmp.right_only + cmp.diff_files
        # dircmp compares shallowly by stat; compare contents to be sure.
        for name in cmp.same_files:
            if not filecmp.cmp(os.path.join(tmp, name), os.path.join(args.output, name), shallow=False):
                diff.append(name)
        if diff:
            print("generated protocol code is stale; run scripts/gen-protocol. Differs: " + ", ".join(sorted(diff)))
            return 1
        print(f"generated protocol code is up to date ({len(os.listdir(tmp))} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
