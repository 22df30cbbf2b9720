"""The OpenAPI description of the API, served at /api/v1/openapi.json."""

from __future__ import annotations

from unactions.formats.record import ACTION_TYPES, BODIES
from unactions.records.query import FACETS, SORTS

_FILTERS = [
    {
        "name": facet.key,
        "in": "query",
        "description": f"{facet.label}: any of these values (repeat the parameter)",
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": True,
    }
    for facet in FACETS
] + [
    {
        "name": "q",
        "in": "query",
        "description": "full-text search: every word must match",
        "schema": {"type": "string"},
    },
    {
        "name": "from",
        "in": "query",
        "description": "on or after this date",
        "schema": {"type": "string", "format": "date"},
    },
    {
        "name": "to",
        "in": "query",
        "description": "on or before this date (not before `from`: that is a 400)",
        "schema": {"type": "string", "format": "date"},
    },
    {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(SORTS)}},
]

_PAGING = [
    {
        "name": "limit",
        "in": "query",
        "description": "how many on a page (50 unless given)",
        "schema": {"type": "integer", "minimum": 1, "maximum": 500},
    },
    {
        "name": "cursor",
        "in": "query",
        "schema": {"type": "string"},
        "description": "from the previous page's `next`",
    },
]

# The names of the query parameters each kind of list takes (the views refuse others).
FILTERS = tuple(p["name"] for p in _FILTERS)
PAGING = tuple(p["name"] for p in _PAGING)

_STRING = {"type": "string"}
_STRINGS = {"type": "array", "items": _STRING}
# A defender or a mechanism in a list, with how many published actions name it.
_NAMED = {
    "type": "object",
    "properties": {"name": _STRING, "slug": _STRING, "actions": {"type": "integer"}},
}
_NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
RECORD = {
    "type": "object",
    "required": [
        "id",
        "date",
        "date_text",
        "published_date",
        "body",
        "mechanism",
        "mandates",
        "experts",
        "action_type",
        "action",
        "joint",
        "governments",
        "issues",
        "regions",
        "summary",
        "documents",
        "languages",
        "communication_refs",
        "response",
        "related_sources",
        "defenders",
    ],
    "properties": {
        "id": {"type": "string"},
        "date": {"type": "string", "format": "date"},
        "date_text": {"type": "string"},
        "published_date": _NULLABLE_DATE,
        "body": {"type": "string", "enum": list(BODIES)},
        "mechanism": {"type": "string"},
        "mandates": {"type": ["integer", "null"]},
        "experts": {"type": ["integer", "null"]},
        "action_type": {"type": "string", "enum": list(ACTION_TYPES)},
        "action": {"type": "string"},
        "joint": {"type": "boolean"},
        "governments": _STRINGS,
        "issues": _STRINGS,
        "regions": _STRINGS,
        "summary": {"type": "string"},
        "documents": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "label": {"type": "string"},
                    "languages": _STRINGS,
                    "url": {"type": ["string", "null"]},
                },
            },
        },
        "languages": _STRINGS,
        "communication_refs": _STRINGS,
        "response": {
            "type": ["object", "null"],
            "properties": {
                "text": {"type": "string"},
                "date": _NULLABLE_DATE,
                "languages": _STRINGS,
            },
        },
        "related_sources": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    key: {"type": ["string", "null"]}
                    for key in ("publisher", "kind", "title", "outlet", "date", "url")
                },
            },
        },
        "defenders": _STRINGS,
    },
}
ERROR = {
    "description": "an error",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "error": {
                        "type": "object",
                        "properties": {
                            "status": {"type": "integer"},
                            "message": {"type": "string"},
                            "problems": _STRINGS,
                        },
                    }
                },
            }
        }
    },
}


def _page(key: str, item: dict, count: str = "") -> dict:
    """A page of a list: how many in all (`count` says when it is null), the address of
    the next page (null on the last) and the items under `key`."""
    return {
        "type": "object",
        "properties": {
            "count": {"type": ["integer", "null"], "description": count}
            if count
            else {"type": "integer"},
            "next": {"type": ["string", "null"]},
            key: {"type": "array", "items": item},
        },
    }


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi(server: str) -> dict:
    record_ref = {"$ref": "#/components/schemas/Record"}
    write = {
        "security": [{"token": []}],
        "responses": {
            "200": _json({"type": "object"}, "stored: ids created, updated, unchanged"),
            "201": _json({"type": "object"}, "created"),
            "400": ERROR,
            "401": ERROR,
            "403": ERROR,
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "UN Actions Tracker API",
            "version": "1",
            "description": "Published UN actions on human rights defenders, in the record "
            "schema. Reading is open; writing needs a personal token.",
        },
        "servers": [{"url": server.rstrip("/")}],
        "paths": {
            "/actions": {
                "get": {
                    "summary": "Published actions matching the filters",
                    "parameters": _FILTERS + _PAGING,
                    "responses": {
                        "200": _json(
                            _page("actions", record_ref, "null on the pages after the first")
                        ),
                        "400": ERROR,
                    },
                },
                "post": {
                    "summary": "Store records (one or a list), in one transaction",
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [record_ref, {"type": "array", "items": record_ref}]
                                }
                            }
                        }
                    },
                    **write,
                },
            },
            "/actions/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "get": {
                    "summary": "One published action",
                    "responses": {"200": _json(record_ref), "404": ERROR},
                },
                "put": {
                    "summary": "Create or replace this action",
                    "requestBody": {"content": {"application/json": {"schema": record_ref}}},
                    **write,
                },
                "delete": {
                    "summary": "Delete this action (an admin can recover it)",
                    "security": [{"token": []}],
                    "responses": {
                        "204": {"description": "deleted"},
                        "401": ERROR,
                        "403": ERROR,
                        "404": ERROR,
                    },
                },
            },
            "/facets": {
                "get": {
                    "summary": "Facet counts for the filters",
                    "parameters": _FILTERS,
                    "responses": {"200": _json({"type": "object"}), "400": ERROR},
                }
            },
            "/defenders": {
                "get": {
                    "summary": "Defenders named in published actions, by name",
                    "parameters": _PAGING,
                    "responses": {"200": _json(_page("defenders", _NAMED)), "400": ERROR},
                }
            },
            "/defenders/{slug}": {
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "get": {
                    "summary": "A defender and every published action naming them",
                    "responses": {"200": _json({"type": "object"}), "404": ERROR},
                },
            },
            "/mechanisms": {
                "get": {
                    "summary": "Mechanisms with published actions, by name",
                    "parameters": _PAGING,
                    "responses": {
                        "200": _json(
                            _page(
                                "mechanisms",
                                {**_NAMED, "properties": {**_NAMED["properties"], "body": _STRING}},
                            )
                        ),
                        "400": ERROR,
                    },
                }
            },
        },
        "components": {
            "schemas": {"Record": RECORD},
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    }
