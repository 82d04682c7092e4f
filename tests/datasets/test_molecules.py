# requires: rdkit
"""Oracles for the MMFF94 force-field data: RDKit itself, calculus, symmetry."""

import numpy as np
import pytest
from rdkit import Chem
from rdkit.Chem import rdDistGeom, rdForceFieldHelpers
from scipy.spatial.transform import Rotation

from geomlearn.datasets import make_molecular_forces

FAST = {"n_equilibration": 50, "sample_interval": 5}
BOLTZMANN = 0.0019872042586408316  # kcal / mol / K


def _rdkit_energy(smiles, variant="MMFF94"):
    """An independent MMFF energy function built directly with RDKit."""
    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    params = rdDistGeom.ETKDGv3()
    params.randomSeed = 1
    rdDistGeom.EmbedMolecule(mol, params)
    props = rdForceFieldHelpers.MMFFGetMoleculeProperties(mol, mmffVariant=variant)
    ff = rdForceFieldHelpers.MMFFGetMoleculeForceField(
        mol, props, ignoreInterfragInteractions=False
    )
    return lambda x: ff.CalcEnergy(np.asarray(x, dtype=float).ravel().tolist())


def _fd_forces(energy, x, h=1e-4):
    forces = np.empty_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h
        forces[index] = -(energy(x + step) - energy(x - step)) / (2 * h)
    return forces


@pytest.mark.parametrize("method", ["langevin", "gaussian"])
def test_shapes_dtypes_and_description(method):
    data = make_molecular_forces("ethanol", 6, method=method, random_state=0, **FAST)
    assert data.positions.shape == data.forces.shape == (6, 9, 3)
    assert data.energy.shape == (6,)
    assert data.atomic_numbers.shape == (9,)
    assert data.equilibrium_positions.shape == (9, 3)
    for key in ("positions", "forces", "energy", "equilibrium_positions"):
        assert data[key].dtype == np.float64
        assert np.isfinite(data[key]).all()
    assert data.atomic_numbers.dtype == np.int64
    assert "MMFF94" in data.DESCR
    assert "not DFT" in data.DESCR


@pytest.mark.parametrize(
    ("molecule", "formula"),
    [("aspirin", {6: 9, 1: 8, 8: 4}), ("uracil", {6: 4, 1: 4, 7: 2, 8: 2})],
)
def test_named_molecules_have_their_chemical_formula(molecule, formula):
    data = make_molecular_forces(molecule, 1, random_state=0, **FAST)
    values, counts = np.unique(data.atomic_numbers, return_counts=True)
    assert dict(zip(values.tolist(), counts.tolist(), strict=True)) == formula


@pytest.mark.parametrize(
    ("molecule", "method", "variant"),
    [
        ("uracil", "langevin", "MMFF94"),
        ("aspirin", "gaussian", "MMFF94"),
        ("CC(=O)N", "langevin", "MMFF94s"),
    ],
)
def test_energy_is_rdkit_mmff_and_forces_are_minus_its_gradient(
    molecule, method, variant
):
    data = make_molecular_forces(
        molecule, 3, method=method, force_field=variant, random_state=0, **FAST
    )
    energy = _rdkit_energy(data.smiles, variant)
    for x, e, f in zip(data.positions, data.energy, data.forces, strict=True):
        assert e == pytest.approx(energy(x), rel=1e-10, abs=1e-10)
        np.testing.assert_allclose(f, _fd_forces(energy, x), rtol=1e-5, atol=1e-4)


def test_energy_invariant_and_forces_equivariant_under_rigid_motions():
    data = make_molecular_forces("paracetamol", 4, random_state=0, **FAST)
    energy = _rdkit_energy(data.smiles)
    rotations = Rotation.random(4, random_state=1).as_matrix()
    shifts = np.random.default_rng(2).normal(scale=5.0, size=(4, 3))
    for x, e, f, rot, shift in zip(
        data.positions, data.energy, data.forces, rotations, shifts, strict=True
    ):
        moved = x @ rot.T + shift
        e_moved = energy(moved)
        assert e_moved == pytest.approx(e, rel=1e-9, abs=1e-9)
        f_moved = _fd_forces(energy, moved)
        np.testing.assert_allclose(f_moved, f @ rot.T, rtol=1e-5, atol=1e-4)


def test_the_equilibrium_conformer_is_a_minimum():
    data = make_molecular_forces("aspirin", 8, random_state=0, **FAST)
    energy = _rdkit_energy(data.smiles)
    x0 = data.equilibrium_positions
    assert data.equilibrium_energy == pytest.approx(energy(x0), abs=1e-10)
    assert np.abs(_fd_forces(energy, x0, h=1e-5)).max() < 1e-3
    assert (data.energy > data.equilibrium_energy).all()
    # random small displacements only raise the energy
    rng = np.random.default_rng(0)
    for _ in range(5):
        assert energy(x0 + 1e-3 * rng.standard_normal(x0.shape)) > energy(x0)


def test_langevin_samples_the_temperature():
    # equipartition, harmonic limit: <E - E_min> = (3N - 6) kT / 2 (N = 9)
    temperature = 100.0
    data = make_molecular_forces(
        "ethanol",
        1000,
        temperature=temperature,
        sample_interval=10,
        n_equilibration=1000,
        random_state=0,
    )
    expected = (3 * 9 - 6) * BOLTZMANN * temperature / 2
    excess = data.energy - data.equilibrium_energy
    assert excess.mean() == pytest.approx(expected, rel=0.1)
    # positions are centred on the centre of mass
    masses = np.array([12.011, 12.011, 15.999] + [1.008] * 6)
    centres = np.einsum("a,nak->nk", masses, data.positions) / masses.sum()
    np.testing.assert_allclose(centres, 0.0, atol=1e-3)


def test_gaussian_displacements_have_the_requested_scale():
    data = make_molecular_forces(
        "benzene", 200, method="gaussian", perturbation=0.02, random_state=0
    )
    displacement = data.positions - data.equilibrium_positions
    assert displacement.std() == pytest.approx(0.02, rel=0.05)
    assert abs(displacement.mean()) < 0.002


@pytest.mark.parametrize("method", ["langevin", "gaussian"])
def test_deterministic_and_sample_i_independent_of_n_samples(method):
    a = make_molecular_forces("ethanol", 3, method=method, random_state=7, **FAST)
    b = make_molecular_forces("ethanol", 5, method=method, random_state=7, **FAST)
    for key in ("positions", "energy", "forces"):
        np.testing.assert_array_equal(a[key], b[key][:3])
    np.testing.assert_array_equal(a.equilibrium_positions, b.equilibrium_positions)
    c = make_molecular_forces("ethanol", 3, method=method, random_state=8, **FAST)
    assert not np.allclose(a.positions, c.positions)
    np.testing.assert_array_equal(a.equilibrium_positions, c.equilibrium_positions)


def test_names_are_case_insensitive_and_smiles_work():
    a = make_molecular_forces("Ethanol", 2, random_state=0, **FAST)
    b = make_molecular_forces("CCO", 2, random_state=0, **FAST)
    np.testing.assert_array_equal(a.positions, b.positions)


@pytest.mark.parametrize(
    ("molecule", "kwargs", "match"),
    [
        ("C1CC", {}, "SMILES string that RDKit can parse"),  # unclosed ring
        ("", {}, "non-empty SMILES"),
        (3, {}, "non-empty SMILES"),
        ("[Na+]", {}, "fewer than 2 atoms"),
        ("[Fe]C", {}, "no parameters"),
        ("ethanol", {"n_samples": 0}, "n_samples"),
        ("ethanol", {"n_samples": 2.5}, "n_samples"),
        ("ethanol", {"method": "md"}, "method"),
        ("ethanol", {"temperature": -1.0}, "temperature"),
        ("ethanol", {"temperature": np.nan}, "temperature"),
        ("ethanol", {"perturbation": 0.0}, "perturbation"),
        ("ethanol", {"timestep": 0}, "timestep"),
        ("ethanol", {"friction": True}, "friction"),
        ("ethanol", {"sample_interval": 0}, "sample_interval"),
        ("ethanol", {"n_equilibration": -1}, "n_equilibration"),
        ("ethanol", {"force_field": "UFF"}, "force_field"),
    ],
)
def test_bad_input_raises_value_error(molecule, kwargs, match):
    kwargs = {"n_samples": 2, **kwargs}
    with pytest.raises(ValueError, match=match):
        make_molecular_forces(molecule, **kwargs)
