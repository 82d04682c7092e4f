# requires: rdkit
"""Small molecular force-field data sets: MMFF94 energies and forces (RDKit)."""

import numpy as np
from sklearn.utils import Bunch

from geomlearn.datasets._checks import _check_int, _check_positive
from geomlearn.datasets._grf import _sample_seeds
from geomlearn.utils._optional import import_optional

__all__ = ["make_molecular_forces"]

# The ten molecules of the revised MD17 benchmark, as SMILES (hydrogens are
# added by RDKit; the atom order is RDKit's, not the one of the MD17 files).
MOLECULES = {
    "aspirin": "CC(=O)Oc1ccccc1C(=O)O",
    "azobenzene": "c1ccc(cc1)/N=N/c1ccccc1",
    "benzene": "c1ccccc1",
    "ethanol": "CCO",
    "malonaldehyde": "O/C=C\\C=O",
    "naphthalene": "c1ccc2ccccc2c1",
    "paracetamol": "CC(=O)Nc1ccc(O)cc1",
    "salicylic_acid": "O=C(O)c1ccccc1O",
    "toluene": "Cc1ccccc1",
    "uracil": "O=c1cc[nH]c(=O)[nH]1",
}

BOLTZMANN = 0.0019872042586408316  # kcal / mol / K
# 1 kcal/mol/Å divided by 1 amu, in Å/fs²: 4184 J / N_A / 1e-10 m / 1.66054e-27 kg
ACCELERATION = 4.184e-4
EMBEDDING_SEED = 20240917  # fixed: the reference conformer ignores random_state
N_EMBEDDINGS = 10


def _resolve_smiles(molecule):
    if not isinstance(molecule, str) or not molecule.strip():
        raise ValueError(
            "molecule must be one of "
            f"{sorted(MOLECULES)} or a non-empty SMILES string; got {molecule!r}."
        )
    return MOLECULES.get(molecule.strip().lower(), molecule.strip())


def _mmff(smiles, variant):
    """Build the hydrogen-complete molecule, its MMFF force field and minimum.

    Returns ``(mol, force_field, x_min, e_min)``; ``x_min`` is the lowest of
    ``N_EMBEDDINGS`` MMFF-minimised ETKDG embeddings (fixed seed), refined to
    a gradient norm below ``1e-6`` kcal/mol/Å where MMFF's BFGS gets there.
    """
    Chem = import_optional("rdkit.Chem", extra="chem", caller="make_molecular_forces")
    rdBase = import_optional("rdkit.rdBase", extra="chem")
    rdDistGeom = import_optional("rdkit.Chem.rdDistGeom", extra="chem")
    helpers = import_optional("rdkit.Chem.rdForceFieldHelpers", extra="chem")

    with rdBase.BlockLogs():
        mol = Chem.MolFromSmiles(smiles)
    if mol is None or mol.GetNumAtoms() == 0:
        raise ValueError(
            f"molecule {smiles!r} is neither a known name ({sorted(MOLECULES)}) "
            "nor a SMILES string that RDKit can parse."
        )
    mol = Chem.AddHs(mol)
    if mol.GetNumAtoms() < 2:
        raise ValueError(f"molecule {smiles!r} has fewer than 2 atoms.")
    with rdBase.BlockLogs():
        has_params = helpers.MMFFHasAllMoleculeParams(mol)
    if not has_params:
        raise ValueError(
            f"MMFF94 has no parameters for some atom of {smiles!r} (MMFF covers "
            "organic molecules: H, C, N, O, F, Si, P, S, Cl, Br, I and a few ions)."
        )
    params = rdDistGeom.ETKDGv3()
    params.randomSeed = EMBEDDING_SEED
    params.numThreads = 1
    conformers = list(rdDistGeom.EmbedMultipleConfs(mol, N_EMBEDDINGS, params))
    if not conformers:
        raise ValueError(f"RDKit could not embed {smiles!r} in 3-D.")
    props = helpers.MMFFGetMoleculeProperties(mol, mmffVariant=variant)
    best = None
    for conf_id in conformers:
        ff = helpers.MMFFGetMoleculeForceField(
            mol, props, confId=conf_id, ignoreInterfragInteractions=False
        )
        ff.Minimize(maxIts=20000, forceTol=1e-8, energyTol=1e-14)
        x = np.asarray(ff.Positions(), dtype=np.float64).reshape(-1, 3)
        energy = ff.CalcEnergy(x.ravel().tolist())
        if best is None or energy < best[2] - 1e-9:
            best = (ff, x, energy)
    ff, x_min, e_min = best
    return mol, ff, x_min, float(e_min)


def _energy_forces(ff, x):
    """MMFF energy (kcal/mol) and forces ``-grad`` (kcal/mol/Å) at ``x``."""
    flat = x.ravel().tolist()
    energy = ff.CalcEnergy(flat)
    gradient = np.asarray(ff.CalcGrad(flat), dtype=np.float64)
    return energy, -gradient.reshape(x.shape)


def _langevin(
    ff, x0, masses, rng, *, n_samples, temperature, timestep, friction, interval, burn
):
    """Run BAOAB Langevin dynamics and record frames.

    Frame ``i`` is the state after ``burn + (i + 1) * interval`` steps,
    recentred on the centre of mass.
    """
    kT = BOLTZMANN * temperature
    m = masses[:, None]
    sigma_v = np.sqrt(kT * ACCELERATION / m)  # Å/fs, thermal velocity spread
    c1 = np.exp(-friction * timestep)
    c2 = np.sqrt(1.0 - c1 * c1)
    half = 0.5 * timestep
    x = x0.copy()
    v = sigma_v * rng.standard_normal(x.shape)
    v -= (m * v).sum(axis=0) / m.sum()  # no initial centre-of-mass drift
    _, f = _energy_forces(ff, x)
    positions = np.empty((n_samples, *x.shape))
    energy = np.empty(n_samples)
    forces = np.empty((n_samples, *x.shape))
    total = burn + n_samples * interval
    for step in range(1, total + 1):
        v += half * ACCELERATION * f / m  # B
        x += half * v  # A
        v = c1 * v + c2 * sigma_v * rng.standard_normal(x.shape)  # O
        x += half * v  # A
        e, f = _energy_forces(ff, x)
        v += half * ACCELERATION * f / m  # B
        if step > burn and (step - burn) % interval == 0:
            i = (step - burn) // interval - 1
            positions[i] = x - (m * x).sum(axis=0) / m.sum()
            energy[i], forces[i] = e, f
    return positions, energy, forces


def make_molecular_forces(
    molecule="ethanol",
    n_samples=100,
    *,
    method="langevin",
    temperature=500.0,
    perturbation=0.05,
    timestep=0.5,
    friction=0.01,
    sample_interval=20,
    n_equilibration=2000,
    force_field="MMFF94",
    random_state=None,
):
    r"""Generate an rMD17-like set of molecular geometries, energies and forces.

    **This is force-field data (MMFF94, computed by RDKit), not quantum
    chemistry.** The energies and forces are those of the Merck molecular
    force field [1]_, an empirical potential parametrised for organic
    molecules; they follow the shape of the revised MD17 benchmark [2]_
    (one molecule, many thermally distorted geometries, energy and forces
    per geometry) but are not DFT labels and must not be reported as such.

    The molecule is built from SMILES with explicit hydrogens, embedded in
    3-D by ETKDG (ten embeddings with a fixed seed) and MMFF-minimised; the
    lowest minimum is the reference conformer, the same for every
    ``random_state``. Geometries are then sampled around it:

    - ``method="langevin"`` (rMD17-like): Langevin dynamics (BAOAB
      integrator) at ``temperature`` with step ``timestep`` fs and friction
      ``friction`` 1/fs, started from the reference conformer with
      Maxwell-Boltzmann velocities; after ``n_equilibration`` steps a frame
      is recorded every ``sample_interval`` steps and recentred on the
      centre of mass. Frames are correlated, like MD17's; frame ``i``
      depends only on the seed and ``i`` (a longer run extends a shorter
      one).
    - ``method="gaussian"``: independent isotropic Gaussian displacements
      of standard deviation ``perturbation`` Å of every coordinate of the
      reference conformer; sample ``i`` depends only on the seed and ``i``.

    RDKit's MMFF94 was chosen over ASE's EMT calculator (the other force
    field that ships in a wheel) because MMFF is a real molecular force
    field (bond, angle, torsion, van der Waals and electrostatic terms fitted
    to organic molecules), while EMT is an effective-medium potential for
    close-packed metals whose H/C/N/O parameters are crude and give no
    sensible molecular energy surface. The energy and its analytic gradient
    come from RDKit; the dynamics is written here (a few lines of numpy).

    Parameters
    ----------
    molecule : str, default="ethanol"
        An rMD17 molecule, ``"aspirin"``, ``"azobenzene"``, ``"benzene"``,
        ``"ethanol"``, ``"malonaldehyde"``, ``"naphthalene"``,
        ``"paracetamol"``, ``"salicylic_acid"``, ``"toluene"`` or
        ``"uracil"``, or any SMILES string that MMFF94 has parameters for.
    n_samples : int, default=100
        Number of geometries.
    method : {"langevin", "gaussian"}, default="langevin"
        How geometries are sampled around the reference conformer.
    temperature : float, default=500.0
        Temperature in K of the Langevin dynamics (MD17's is 500 K).
    perturbation : float, default=0.05
        Standard deviation in Å of the ``"gaussian"`` displacements.
    timestep : float, default=0.5
        Langevin time step in fs.
    friction : float, default=0.01
        Langevin friction coefficient in 1/fs.
    sample_interval : int, default=20
        Langevin steps between recorded frames.
    n_equilibration : int, default=2000
        Langevin steps discarded before the first frame.
    force_field : {"MMFF94", "MMFF94s"}, default="MMFF94"
        MMFF variant (``"MMFF94s"`` has flatter, "static" conjugated
        nitrogens).
    random_state : int, RandomState instance or None, default=None
        Seed of the sampling (the reference conformer does not depend on it).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``positions`` : ndarray of shape (n_samples, n_atoms, 3), in Å.
        ``atomic_numbers`` : int64 ndarray of shape (n_atoms,), heavy atoms
        in SMILES order, then hydrogens (RDKit's order).
        ``energy`` : ndarray of shape (n_samples,), MMFF energy in kcal/mol.
        ``forces`` : ndarray of shape (n_samples, n_atoms, 3), minus the
        gradient of the energy, in kcal/mol/Å.
        ``equilibrium_positions`` (n_atoms, 3) and ``equilibrium_energy``:
        the reference conformer. ``smiles``: the SMILES used.
        ``DESCR``: a description naming the force field.

    Raises
    ------
    ValueError
        If the molecule is unknown, unparsable, has fewer than two atoms or
        atoms without MMFF parameters, or a parameter is out of range.

    See Also
    --------
    make_nbody : Charged-particle N-body simulations.

    References
    ----------
    .. [1] T. A. Halgren, "Merck molecular force field. I. Basis, form,
       scope, parameterization, and performance of MMFF94", J. Comput. Chem.
       17, 490-519, 1996.
    .. [2] A. S. Christensen, O. A. von Lilienfeld, "On the role of gradients
       for machine learning of molecular energies and forces", Mach. Learn.:
       Sci. Technol. 1, 045018, 2020 (revised MD17).

    Examples
    --------
    >>> from geomlearn.datasets import make_molecular_forces
    >>> data = make_molecular_forces("ethanol", 4, n_equilibration=100, random_state=0)
    >>> data.positions.shape, data.forces.shape, data.energy.shape
    ((4, 9, 3), (4, 9, 3), (4,))
    >>> data.atomic_numbers.tolist()
    [6, 6, 8, 1, 1, 1, 1, 1, 1]
    >>> bool((data.energy > data.equilibrium_energy).all())
    True
    """
    smiles = _resolve_smiles(molecule)
    n_samples = _check_int(n_samples, "n_samples", 1)
    if method not in ("langevin", "gaussian"):
        raise ValueError(f"method must be 'langevin' or 'gaussian'; got {method!r}.")
    temperature = _check_positive(temperature, "temperature")
    perturbation = _check_positive(perturbation, "perturbation")
    timestep = _check_positive(timestep, "timestep")
    friction = _check_positive(friction, "friction")
    sample_interval = _check_int(sample_interval, "sample_interval", 1)
    n_equilibration = _check_int(n_equilibration, "n_equilibration", 0)
    if force_field not in ("MMFF94", "MMFF94s"):
        raise ValueError(
            f"force_field must be 'MMFF94' or 'MMFF94s'; got {force_field!r}."
        )

    mol, ff, x_min, e_min = _mmff(smiles, force_field)
    atomic_numbers = np.array([a.GetAtomicNum() for a in mol.GetAtoms()], np.int64)
    if method == "langevin":
        masses = np.array([a.GetMass() for a in mol.GetAtoms()], dtype=np.float64)
        rng = np.random.default_rng(_sample_seeds(random_state, 1)[0])
        positions, energy, forces = _langevin(
            ff,
            x_min,
            masses,
            rng,
            n_samples=n_samples,
            temperature=temperature,
            timestep=timestep,
            friction=friction,
            interval=sample_interval,
            burn=n_equilibration,
        )
        recipe = (
            f"BAOAB Langevin dynamics at {temperature:g} K (step {timestep:g} fs, "
            f"friction {friction:g}/fs, {n_equilibration} equilibration steps, "
            f"a frame every {sample_interval} steps)"
        )
    else:
        positions = np.empty((n_samples, *x_min.shape))
        energy = np.empty(n_samples)
        forces = np.empty((n_samples, *x_min.shape))
        for i, seed in enumerate(_sample_seeds(random_state, n_samples)):
            rng = np.random.default_rng(seed)
            positions[i] = x_min + perturbation * rng.standard_normal(x_min.shape)
            energy[i], forces[i] = _energy_forces(ff, positions[i])
        recipe = f"isotropic Gaussian displacements of {perturbation:g} Å"

    name = molecule.strip() if smiles != molecule.strip() else smiles
    descr = (
        f"{name} ({smiles}, {len(atomic_numbers)} atoms): {n_samples} geometries "
        f"sampled by {recipe} around the lowest {force_field} minimum of "
        f"{N_EMBEDDINGS} ETKDG embeddings. FORCE-FIELD DATA: energies "
        f"(kcal/mol) and forces (-gradient, kcal/mol/Å) are {force_field} "
        "values computed by RDKit, not DFT or any other quantum chemistry. "
        "Positions in Å; atoms in RDKit order (heavy atoms, then hydrogens)."
    )
    return Bunch(
        positions=positions,
        atomic_numbers=atomic_numbers,
        energy=energy,
        forces=forces,
        equilibrium_positions=x_min,
        equilibrium_energy=e_min,
        smiles=smiles,
        DESCR=descr,
    )
