"""Walking through the API's pages by following each answer's `next` cursor."""

from __future__ import annotations


def walk(client, url: str, most: int) -> tuple[list[str], list]:
    """The ids of the actions on every page from `url` on, and each page's `count`;
    a cursor that does not move stops the walk once `most` ids have been seen."""
    seen, counts = [], []
    while url and len(seen) <= most:
        response = client.get(url)
        assert response.status_code == 200, response.content
        data = response.json()
        seen += [action["id"] for action in data["actions"]]
        counts.append(data["count"])
        url = data["next"]
    return seen, counts
