"""Print the OpenAPI document (`make openapi` writes it to openapi/acelab.json)."""

import json
from typing import Any

from acelab.app import create_app
from acelab.config import Settings


def document() -> dict[str, Any]:
    """Build the OpenAPI document without touching a database or a secret file."""
    return create_app(Settings(jwt_secret="o" * 48)).openapi()


def render() -> str:
    return json.dumps(document(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(render())
