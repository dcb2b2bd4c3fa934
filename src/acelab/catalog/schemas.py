"""Wire shapes of exam packages, tiers and enrollments (ace.md §5, §11.2-11.6)."""

from typing import Any

from pydantic import Field

from acelab.http.wire import AceModel, AceRequest, AceTime


class ModuleSection(AceModel):
    id: str
    name: str
    description: str


class ModuleSectionIn(AceRequest):
    """Only the three string fields are kept; a missing one is `""` (Go zero value)."""

    id: str = ""
    name: str = ""
    description: str = ""


class PackageRead(AceModel):
    """ExamPackageListItem: what students see (no code, visibility or updatedAt)."""

    id: str
    name: str
    subtitle: str | None
    overview: str | None
    modules: list[str]
    highlights: list[str]
    module_sections: list[ModuleSection]
    created_at: AceTime


class PackageList(AceModel):
    items: list[PackageRead]


class AdminPackageRead(PackageRead):
    """AdminExamPackageListItem."""

    code: str
    is_hidden: bool
    updated_at: AceTime


class AdminPackageList(AceModel):
    items: list[AdminPackageRead]


class PackageCreate(AceRequest):
    name: str = ""
    subtitle: str | None = None
    overview: str | None = None
    modules: list[str] | None = None
    highlights: list[str] | None = None
    module_sections: list[ModuleSectionIn] | None = None
    is_hidden: bool | None = None


class PackageUpdate(AceRequest):
    """Instructors edit the descriptive fields only; absent or null means unchanged."""

    subtitle: str | None = None
    overview: str | None = None
    modules: list[str] | None = None
    highlights: list[str] | None = None
    module_sections: list[ModuleSectionIn] | None = None


class AdminPackageUpdate(PackageUpdate):
    name: str | None = None
    is_hidden: bool | None = None


class TierRead(AceModel):
    """TierPublic: no policy and no isActive."""

    id: str
    exam_package_id: str
    code: str
    name: str
    sort_order: int
    is_default: bool


class TierList(AceModel):
    items: list[TierRead]


class AdminTierRead(TierRead):
    is_active: bool
    policy: Any = Field(description="Opaque JSON, `{}` by default; the server never interprets it")
    created_at: AceTime
    updated_at: AceTime


class AdminTierList(AceModel):
    items: list[AdminTierRead]


class TierCreate(AceRequest):
    code: str = ""
    name: str = ""
    sort_order: int | None = None
    is_default: bool | None = None
    is_active: bool | None = None
    policy: Any = None


class TierUpdate(AceRequest):
    code: str | None = None
    name: str | None = None
    sort_order: int | None = None
    is_default: bool | None = None
    is_active: bool | None = None
    policy: Any = None


class EnrollmentRead(AceModel):
    exam_package_id: str
    tier_id: str
    created_at: AceTime
    updated_at: AceTime


class EnrollmentList(AceModel):
    # ace.md §5.11: omitted (not empty) when the student has no enrollments.
    exam_package_ids: list[str] | None = None
    items: list[EnrollmentRead]


class EnrollmentCreate(AceRequest):
    exam_package_id: str = ""
    tier_id: str = ""


class TierChange(AceRequest):
    tier_id: str = ""
