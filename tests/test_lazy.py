import pytest

from geomlearn._lazy import attach


def test_attach_resolves_submodules_and_attributes():
    getattr_, dir_, all_ = attach(
        "json", submodules=["decoder"], submod_attrs={"encoder": ["JSONEncoder"]}
    )
    assert all_ == ["decoder", "JSONEncoder"] == dir_()
    assert getattr_("decoder").__name__ == "json.decoder"
    import json.encoder

    assert getattr_("JSONEncoder") is json.encoder.JSONEncoder
    with pytest.raises(AttributeError, match="has no attribute 'missing'"):
        getattr_("missing")


def test_attach_rejects_name_clash():
    with pytest.raises(ValueError, match="both submodule and attribute"):
        attach("json", submodules=["decoder"], submod_attrs={"x": ["decoder"]})
