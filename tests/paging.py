"""Walking through the API's pages by following each answer's `next` cursor."""

from __future__ import annotations


def walk(
    client, url: str, most: int, key: str = "actions", field: str = "id"
) -> tuple[list[str], list]:
    """The `field` (ids) of the `key` list (actions) on every page from `url` on, and each
    page's `count`; a cursor that does not move stops the walk once `most` have been
    seen."""
    seen, counts = [], []
    while url and len(seen) <= most:
        response = client.get(url)
        assert response.status_code == 200, response.content
        data = response.json()
        seen += [item[field] for item in data[key]]
        counts.append(data["count"])
        url = data["next"]
    return seen, counts
