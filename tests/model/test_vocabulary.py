"""The model's vocabularies agree with the reference data."""

from klynge import reference
from klynge.model import CERTIFICATIONS, SECTORS


def test_certifications_match_the_reference():
    assert sorted(CERTIFICATIONS) == sorted(c.id for c in reference.certifications())


def test_sectors_match_the_short_lists():
    assert set(SECTORS) == set(reference.SECTORS) - {"general"}
