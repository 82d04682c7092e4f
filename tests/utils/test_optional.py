import pytest

from geomlearn.utils import MissingExtraError, import_optional


def test_import_optional_returns_module():
    assert import_optional("math", extra="core").sqrt(4) == 2


def test_missing_module_names_the_pip_install():
    with pytest.raises(
        MissingExtraError, match=r'pip install "geomlearn\[tda\]"'
    ) as info:
        import_optional("surely_not_a_module_42", extra="tda", caller="RipsPersistence")
    assert "RipsPersistence requires" in str(info.value)
    assert info.value.extra == "tda"
    assert info.value.name == "surely_not_a_module_42"
    assert isinstance(info.value, ImportError)
