"""The API contract as a file: the committed OpenAPI document is current; no route is public by accident."""

from pathlib import Path

from acelab import openapi

COMMITTED = Path(__file__).parents[2] / "openapi" / "acelab.json"

# Routes that are public on purpose: health, and the ways to obtain or end a session.
PUBLIC_OPERATIONS = {
    ("get", "/healthz"),
    ("get", "/health"),
    ("post", "/student/auth/register"),
    ("post", "/auth/register"),
    # codemm.md §13.7: /run has no auth. (/submit declares its optional credentials, so it is not listed.)
    ("post", "/run"),
    # ace.md §5.1, §5.2: the package catalog is public.
    ("get", "/exam-packages"),
    ("get", "/exam-packages/{exam_package_id}/tiers"),
    # codemm.md §5: the community listing is public.
    ("get", "/community/activities"),
    ("get", "/community/activities/{activity_id}"),
    *(
        ("post", f"{prefix}/auth/{action}")
        for prefix in ("/student", "/instructor", "/admin", "")
        for action in ("login", "refresh", "logout")
    ),
}


def operations() -> dict[tuple[str, str], dict]:
    return {
        (method, path): operation
        for path, item in openapi.document()["paths"].items()
        for method, operation in item.items()
    }


class TestOpenApiDocument:
    def test_committed_document_is_current(self):
        assert COMMITTED.read_text() == openapi.render(), "run `make openapi` and commit openapi/acelab.json"

    def test_every_operation_declares_its_success_body(self):
        for key, operation in operations().items():
            success = next(v for k, v in operation["responses"].items() if k.startswith("2"))
            content = success["content"]
            if "text/event-stream" in content:  # a stream declares the schema of each event
                assert "itemSchema" in content["text/event-stream"], key
            else:
                assert "schema" in content["application/json"], key

    def test_every_operation_documents_its_error_body(self):
        for key, operation in operations().items():
            assert "400" in operation["responses"] and "401" in operation["responses"], key


class TestPublicRoutes:
    def test_only_allowlisted_operations_need_no_credentials(self):
        # Auth dependencies declare their security schemes, so an operation without one is public.
        public = {key for key, operation in operations().items() if not operation.get("security")}
        assert public == PUBLIC_OPERATIONS
