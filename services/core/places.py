"""Place names in English: the romanised name (pinyin) each place of the organisation carries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Community, District, PoliceOffice, Station, Subdistrict


def english_names(session: Session) -> dict[str, str]:
    """Chinese name → English name of every district, sub-district, station, police office
    and community that has one. Not scoped: the names of the district's places are public."""
    names: dict[str, str] = {}
    for model in (District, Subdistrict, Station, PoliceOffice, Community):
        for name, name_en in session.execute(
                select(model.name, model.name_en).where(model.name_en != "")):
            names.setdefault(name, name_en)
    return names
