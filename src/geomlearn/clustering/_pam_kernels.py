"""numba kernels of the k-medoids family on a dissimilarity matrix.

Written from the specification in Schubert & Rousseeuw, "Fast and eager
k-medoids clustering" (Information Systems 101, 2021) and its SISAP 2019
predecessor. Conventions shared by every kernel:

- ``D`` is a square, symmetric dissimilarity matrix in C order, of any real
  dtype (float32 and int matrices are read as they are, never copied). Since
  it is symmetric, the dissimilarities from every object to a candidate or
  medoid ``x`` are read as the *row* ``D[x]``, in storage order. Every kernel
  reads them that way, so a matrix that is symmetric only up to rounding
  (scikit-learn's Euclidean distances) is still used consistently.
- ``medoids[m]`` is the object held by slot ``m``. For every object ``o`` the
  caches hold its nearest slot ``near[o]`` at distance ``dnear[o]`` and its
  second-nearest slot ``seco[o]`` at distance ``dseco[o]``. An object that is
  a medoid is always assigned to its own slot, even when another medoid is at
  distance 0 (a duplicate).
- ``removal[m]`` is the loss increase if medoid ``m`` were removed and its
  members moved to their second-nearest medoid.
- Losses and changes are accumulated in float64 whatever the matrix dtype.
- Ties are broken by the first index (objects in order 0..n-1, slots in
  order 0..k-1), and a swap is taken only when it strictly lowers the loss.
- ``check=True`` re-derives the caches by brute force after every swap and
  raises ``AssertionError`` if they disagree (a debug mode for the tests).
"""

import numpy as np
from numba import njit, types
from numba.extending import overload

from geomlearn.clustering._distances import _pair

# --------------------------------------------------------------------------- sources
# ``src`` is either the dissimilarity matrix D or, to keep memory O(n k) for
# large n, a tuple ``(X, metric code, row norms)`` from which dissimilarities
# are computed on the fly with the same per-pair function that fills D (so
# both give bit-identical results). numba compiles each kernel once per kind.


def n_objects(src):
    """Return the number of objects of a source (compiled by the overload below)."""
    raise NotImplementedError


def get_row(src, x, buf):
    """Dissimilarities from every object to x (D[x], or computed into buf)."""
    raise NotImplementedError


def get_dist(src, a, b):
    """Dissimilarity between objects a and b, as float64."""
    raise NotImplementedError


@overload(n_objects)
def _n_objects(src):
    if isinstance(src, types.Array):
        return lambda src: src.shape[0]
    return lambda src: src[0].shape[0]


@overload(get_row)
def _get_row(src, x, buf):
    if isinstance(src, types.Array):
        return lambda src, x, buf: src[x]

    def compute(src, x, buf):
        X, code, norms = src
        for o in range(X.shape[0]):
            buf[o] = _pair(X[x], X[o], code, norms[x], norms[o])
        return buf

    return compute


@overload(get_dist)
def _get_dist(src, a, b):
    if isinstance(src, types.Array):
        return lambda src, a, b: np.float64(src[a, b])

    def compute(src, a, b):
        X, code, norms = src
        return _pair(X[a], X[b], code, norms[a], norms[b])

    return compute


# --------------------------------------------------------------------------- caches


@njit(cache=True, nogil=True)
def initial_assignment(D, medoids, near, dnear, seco, dseco):
    """Fill the nearest / second-nearest caches; return the loss.

    Reads the k medoid rows in storage order; for each object the slots are
    considered in order 0..k-1, as a per-object scan would.
    """
    n = n_objects(D)
    k = medoids.shape[0]
    buf = np.empty(n)
    row = get_row(D, medoids[0], buf)
    for o in range(n):
        near[o] = 0
        dnear[o] = np.float64(row[o])
        seco[o] = -1
        dseco[o] = np.inf
    for m in range(1, k):
        me = medoids[m]
        row = get_row(D, me, buf)
        for o in range(n):
            d = np.float64(row[o])
            if d < dnear[o] or o == me:
                seco[o] = near[o]
                dseco[o] = dnear[o]
                near[o] = m
                dnear[o] = d
            elif d < dseco[o]:
                seco[o] = m
                dseco[o] = d
    loss = 0.0
    for o in range(n):
        loss += dnear[o]
    return loss


@njit(cache=True, nogil=True)
def update_removal_loss(near, dnear, dseco, removal):
    """removal[m] = sum over members o of slot m of (dseco[o] - dnear[o])."""
    removal[:] = 0.0
    for o in range(near.shape[0]):
        removal[near[o]] += dseco[o] - dnear[o]


@njit(cache=True, nogil=True)
def _second_nearest(D, medoids, o, exclude, b, d_b):
    """Second-nearest slot of o, given its nearest slot ``exclude``.

    Slot ``b`` (just swapped in) is at distance ``d_b``; every other slot is
    read from the matrix.
    """
    slot = b
    dist = d_b
    for m in range(medoids.shape[0]):
        if m in (exclude, b):
            continue
        d = get_dist(D, medoids[m], o)
        if d < dist:
            slot = m
            dist = d
    return slot, dist


@njit(cache=True, nogil=True)
def do_swap(D, medoids, near, dnear, seco, dseco, b, x, row):
    """Put object x into slot b, update the caches in one pass; return the loss.

    ``row`` holds the dissimilarities from every object to x.
    """
    medoids[b] = x
    loss = 0.0
    for o in range(near.shape[0]):
        if o == x:
            if near[o] != b:
                seco[o] = near[o]
                dseco[o] = dnear[o]
            near[o] = b
            dnear[o] = 0.0
            continue
        d = np.float64(row[o])
        if near[o] == b:  # its medoid was replaced
            if d < dseco[o]:
                dnear[o] = d
            else:
                near[o] = seco[o]
                dnear[o] = dseco[o]
                seco[o], dseco[o] = _second_nearest(D, medoids, o, near[o], b, d)
        elif d < dnear[o]:
            seco[o] = near[o]
            dseco[o] = dnear[o]
            near[o] = b
            dnear[o] = d
        elif d < dseco[o]:
            seco[o] = b
            dseco[o] = d
        elif seco[o] == b:  # its second medoid was replaced by a farther one
            seco[o], dseco[o] = _second_nearest(D, medoids, o, near[o], b, d)
        loss += dnear[o]
    return loss


@njit(cache=True, nogil=True)
def swap_changes(row, removal, near, dnear, dseco, changes):
    """Loss change of swapping a candidate into each slot, in O(n + k).

    FastPAM1's trick: ``row`` holds the dissimilarities from every object to
    the candidate. Fills ``changes[m]`` for every slot ``m`` and returns the
    slot with the smallest change (the first on ties).
    """
    k = changes.shape[0]
    for m in range(k):
        changes[m] = removal[m]
    shared = 0.0
    for o in range(near.shape[0]):
        d = np.float64(row[o])
        if d < dnear[o]:
            # o moves to x whichever medoid is removed
            shared += d - dnear[o]
            changes[near[o]] += dnear[o] - dseco[o]
        elif d < dseco[o]:
            # o moves to x only if its own medoid is the one removed
            changes[near[o]] += d - dseco[o]
    best = 0
    for m in range(1, k):
        if changes[m] < changes[best]:
            best = m
    for m in range(k):
        changes[m] += shared
    return best


@njit(cache=True, nogil=True)
def check_caches(D, medoids, near, dnear, seco, dseco, removal):
    """Brute-force the caches and removal loss; raise AssertionError on mismatch."""
    n = n_objects(D)
    k = medoids.shape[0]
    expected = np.zeros(k)
    for o in range(n):
        own = -1
        for m in range(k):
            if medoids[m] == o:
                own = m
        best = np.inf
        for m in range(k):
            d = get_dist(D, medoids[m], o)
            if d < best:
                best = d
        if own >= 0 and near[o] != own:
            raise AssertionError("a medoid is not assigned to its own slot")
        if dnear[o] != get_dist(D, medoids[near[o]], o) or dnear[o] != best:
            raise AssertionError("nearest-medoid cache disagrees with brute force")
        if k > 1:
            second = np.inf
            for m in range(k):
                if m != near[o]:
                    d = get_dist(D, medoids[m], o)
                    if d < second:
                        second = d
            if seco[o] == near[o] or dseco[o] != second:
                raise AssertionError("second-nearest cache disagrees with brute force")
            if dseco[o] != get_dist(D, medoids[seco[o]], o):
                raise AssertionError("second-nearest slot and distance disagree")
            expected[near[o]] += dseco[o] - dnear[o]
    if k > 1:
        for m in range(k):
            if abs(expected[m] - removal[m]) > 1e-9 * (1.0 + abs(expected[m])):
                raise AssertionError("removal loss disagrees with brute force")


# --------------------------------------------------------------------------- k = 1


@njit(cache=True, nogil=True)
def medoid_of_cluster(D, labels, medoids, m):
    """Move slot m to the member of its cluster with the least distance sum.

    Returns (changed, sum of distances from the chosen medoid to the cluster).
    Ties keep the current medoid, then the first member.
    """
    n = n_objects(D)
    members = np.empty(n, dtype=np.int64)
    size = 0
    for o in range(n):
        if labels[o] == m:
            members[size] = o
            size += 1
    first = medoids[m]
    best = first
    best_sum = 0.0
    for t in range(size):
        o = members[t]
        if o != first:
            best_sum += get_dist(D, first, o)
    for s in range(size):
        j = members[s]
        if j == first:
            continue
        total = 0.0
        for t in range(size):
            o = members[t]
            if o != j:
                total += get_dist(D, j, o)
        if total < best_sum:
            best = j
            best_sum = total
    medoids[m] = best
    return best != first, best_sum


@njit(cache=True, nogil=True)
def _one_medoid(D, medoids):
    """Solve k = 1: the object with the least distance sum. Returns (loss, labels, swaps)."""
    labels = np.zeros(n_objects(D), dtype=np.int64)
    changed, loss = medoid_of_cluster(D, labels, medoids, 0)
    return loss, labels, 1 if changed else 0


@njit(cache=True, nogil=True)
def _start(D, medoids):
    """Allocate and fill the caches of the SWAP methods.

    Returns (loss, near, dnear, seco, dseco, removal, changes, buf): the
    caches, the removal loss, a k-vector for swap changes and an n-vector
    for rows computed on the fly.
    """
    n = n_objects(D)
    k = medoids.shape[0]
    near = np.empty(n, dtype=np.int64)
    dnear = np.empty(n)
    seco = np.empty(n, dtype=np.int64)
    dseco = np.empty(n)
    removal = np.empty(k)
    loss = initial_assignment(D, medoids, near, dnear, seco, dseco)
    update_removal_loss(near, dnear, dseco, removal)
    return loss, near, dnear, seco, dseco, removal, np.empty(k), np.empty(n)


# --------------------------------------------------------------------------- SWAP variants


@njit(cache=True, nogil=True)
def fasterpam(D, medoids, max_iter, order, check):
    """FasterPAM: take the first improving swap; stop after a sweep without one.

    ``order`` is the processing order of candidates (0..n-1, or a random
    permutation drawn once). Returns (loss, labels, n_iter, n_swaps).
    """
    n = n_objects(D)
    k = medoids.shape[0]
    if k == 1:
        loss, labels, swaps = _one_medoid(D, medoids)
        return loss, labels, 1, swaps
    loss, near, dnear, seco, dseco, removal, changes, buf = _start(D, medoids)
    last_swap = -1
    n_swaps = 0
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        swaps_before = n_swaps
        loss_before = loss
        for t in range(n):
            x = order[t]
            if x == last_swap:
                break  # a whole cycle since the last swap found nothing better
            if x == medoids[near[x]]:
                continue
            row = get_row(D, x, buf)
            b = swap_changes(row, removal, near, dnear, dseco, changes)
            if changes[b] >= 0.0:
                continue
            n_swaps += 1
            last_swap = x
            loss = do_swap(D, medoids, near, dnear, seco, dseco, b, x, row)
            update_removal_loss(near, dnear, dseco, removal)
            if check:
                check_caches(D, medoids, near, dnear, seco, dseco, removal)
        if n_swaps == swaps_before or loss >= loss_before:
            break
    return loss, near, n_iter, n_swaps


@njit(cache=True, nogil=True)
def _naive_swap_change(row, near, dnear, dseco, m):
    """Loss change of putting a candidate into slot m, evaluated on its own in O(n).

    ``row`` holds the dissimilarities from every object to the candidate.
    """
    change = 0.0
    for o in range(near.shape[0]):
        d = np.float64(row[o])
        if near[o] == m:
            change += min(d, dseco[o]) - dnear[o]
        elif d < dnear[o]:
            change += d - dnear[o]
    return change


@njit(cache=True, nogil=True)
def _best_improvement(D, medoids, max_iter, check, naive):
    """PAM's SWAP loop: perform the single best swap until none improves.

    Candidates are visited in order 0..n-1 and slots in order 0..k-1; the
    first strictly best (slot, candidate) pair wins. ``naive`` evaluates each
    pair on its own (PAM, O(k n) per candidate); otherwise all k slots at once
    (FastPAM1, O(n + k)). ``max_iter`` counts swaps. Returns (loss, labels,
    n_iter, n_swaps, converged).
    """
    n = n_objects(D)
    k = medoids.shape[0]
    if k == 1:
        loss, labels, swaps = _one_medoid(D, medoids)
        return loss, labels, 1, swaps, True
    loss, near, dnear, seco, dseco, removal, changes, buf = _start(D, medoids)
    n_swaps = 0
    n_iter = 0
    converged = False
    while n_iter < max_iter:
        n_iter += 1
        update_removal_loss(near, dnear, dseco, removal)
        best_change = 0.0
        best_slot = -1
        best_x = -1
        for x in range(n):
            if x == medoids[near[x]]:
                continue
            row = get_row(D, x, buf)
            if naive:
                for m in range(k):
                    change = _naive_swap_change(row, near, dnear, dseco, m)
                    if change < best_change:
                        best_change = change
                        best_slot = m
                        best_x = x
            else:
                b = swap_changes(row, removal, near, dnear, dseco, changes)
                if changes[b] < best_change:
                    best_change = changes[b]
                    best_slot = b
                    best_x = x
        if best_x < 0:
            converged = True
            break
        n_swaps += 1
        row = get_row(D, best_x, buf)
        new_loss = do_swap(D, medoids, near, dnear, seco, dseco, best_slot, best_x, row)
        if check:
            update_removal_loss(near, dnear, dseco, removal)
            check_caches(D, medoids, near, dnear, seco, dseco, removal)
        if new_loss >= loss:
            loss = new_loss
            converged = True
            break
        loss = new_loss
    return loss, near, n_iter, n_swaps, converged


@njit(cache=True, nogil=True)
def fastpam1(D, medoids, max_iter, check):
    """FastPAM1: PAM's best swap per iteration, each candidate in O(n + k)."""
    return _best_improvement(D, medoids, max_iter, check, False)


@njit(cache=True, nogil=True)
def pam_swap(D, medoids, max_iter, check):
    """Textbook PAM SWAP: every (slot, candidate) pair on its own, O(k n^2) a swap.

    Visits candidates in the same order as :func:`fastpam1`, so both take the
    same swaps.
    """
    return _best_improvement(D, medoids, max_iter, check, True)


@njit(cache=True, nogil=True)
def fastpam2(D, medoids, max_iter, fasttol, check):
    """FastPAM2: up to k swaps per iteration, the best candidate of each slot.

    Each iteration finds, for every slot, its best candidate (one O(n^2)
    pass), performs the overall best swap, then revisits the other slots in
    order of their stored change, re-evaluating each against the current
    medoids and swapping when the exact change is negative and at most
    ``(1 - fasttol)`` times the stored one. ``max_iter`` counts iterations.
    Returns (loss, labels, n_iter, n_swaps, converged).
    """
    n = n_objects(D)
    k = medoids.shape[0]
    if k == 1:
        loss, labels, swaps = _one_medoid(D, medoids)
        return loss, labels, 1, swaps, True
    loss, near, dnear, seco, dseco, removal, changes, buf = _start(D, medoids)
    slot_change = np.empty(k)
    slot_candidate = np.empty(k, dtype=np.int64)
    done = np.empty(k, dtype=np.bool_)
    n_swaps = 0
    n_iter = 0
    converged = False
    while n_iter < max_iter:
        n_iter += 1
        update_removal_loss(near, dnear, dseco, removal)
        slot_change[:] = 0.0
        slot_candidate[:] = -1
        for x in range(n):
            if x == medoids[near[x]]:
                continue
            swap_changes(get_row(D, x, buf), removal, near, dnear, dseco, changes)
            for m in range(k):
                if changes[m] < slot_change[m]:
                    slot_change[m] = changes[m]
                    slot_candidate[m] = x
        done[:] = False
        swaps_before = n_swaps
        loss_before = loss
        first = True
        while True:
            # the remaining slot with the most negative stored change
            m = -1
            for s in range(k):
                if done[s] or slot_candidate[s] < 0:
                    continue
                if m < 0 or slot_change[s] < slot_change[m]:
                    m = s
            if m < 0:
                break
            done[m] = True
            x = slot_candidate[m]
            if x == medoids[near[x]]:
                continue  # already taken by an earlier swap of this iteration
            row = get_row(D, x, buf)
            if not first:
                update_removal_loss(near, dnear, dseco, removal)
                swap_changes(row, removal, near, dnear, dseco, changes)
                exact = changes[m]
                if not (exact < 0.0 and exact <= (1.0 - fasttol) * slot_change[m]):
                    continue
            first = False
            n_swaps += 1
            loss = do_swap(D, medoids, near, dnear, seco, dseco, m, x, row)
            if check:
                update_removal_loss(near, dnear, dseco, removal)
                check_caches(D, medoids, near, dnear, seco, dseco, removal)
        if n_swaps == swaps_before or loss >= loss_before:
            converged = True
            break
    return loss, near, n_iter, n_swaps, converged


@njit(cache=True, nogil=True)
def alternating(D, medoids, max_iter):
    """k-means-style alternation: assign, then re-centre each cluster.

    Returns (loss, labels, n_iter, converged).
    """
    k = medoids.shape[0]
    labels, _, loss = nearest_medoid(D, medoids, True)
    n_iter = 0
    converged = False
    while n_iter < max_iter:
        n_iter += 1
        changed = False
        for m in range(k):
            moved, _ = medoid_of_cluster(D, labels, medoids, m)
            changed = changed or moved
        if not changed:
            converged = True
            break
        labels, _, loss = nearest_medoid(D, medoids, True)
    return loss, labels, n_iter, converged


@njit(cache=True, nogil=True)
def nearest_medoid(D, medoids, own_slot):
    """Label each object with its nearest medoid, the first on ties.

    With ``own_slot`` a medoid is labelled with its own slot even when an
    earlier medoid is a duplicate at distance 0 (the caches' rule); without
    it this is ``argmin``, the rule of ``predict``. Returns (labels,
    dissimilarity to the chosen medoid, loss summed in object order).
    """
    n = n_objects(D)
    labels = np.zeros(n, dtype=np.int64)
    best = np.empty(n)
    buf = np.empty(n)
    row = get_row(D, medoids[0], buf)
    for o in range(n):
        best[o] = np.float64(row[o])
    for m in range(1, medoids.shape[0]):
        me = medoids[m]
        row = get_row(D, me, buf)
        for o in range(n):
            d = np.float64(row[o])
            if d < best[o] or (own_slot and o == me):
                labels[o] = m
                best[o] = d
    loss = 0.0
    for o in range(n):
        loss += best[o]
    return labels, best, loss


# --------------------------------------------------------------------------- initialisation


@njit(cache=True, nogil=True)
def build(D, k):
    """PAM BUILD: the greedy medoids, O(k n^2).

    The first medoid has the smallest distance sum; each next one lowers the
    loss most. Stops early when no object lowers the loss (fewer than k
    distinct objects). Returns (medoids, n_found).
    """
    n = n_objects(D)
    buf = np.empty(n)
    medoids = np.empty(k, dtype=np.int64)
    is_medoid = np.zeros(n, dtype=np.bool_)
    dnear = np.empty(n)
    best = 0
    best_sum = np.inf
    for i in range(n):
        row = get_row(D, i, buf)
        total = 0.0
        for j in range(n):
            if j != i:
                total += np.float64(row[j])
        if total < best_sum:
            best = i
            best_sum = total
    medoids[0] = best
    is_medoid[best] = True
    row = get_row(D, best, buf)
    for j in range(n):
        dnear[j] = np.float64(row[j])
    dnear[best] = 0.0
    found = 1
    for m in range(1, k):
        best = -1
        best_gain = 0.0
        for i in range(n):
            if is_medoid[i]:
                continue
            row = get_row(D, i, buf)
            gain = -dnear[i]
            for j in range(n):
                if j != i:
                    d = np.float64(row[j])
                    if d < dnear[j]:
                        gain += d - dnear[j]
            if gain < best_gain:
                best = i
                best_gain = gain
        if best < 0:
            break
        medoids[m] = best
        is_medoid[best] = True
        row = get_row(D, best, buf)
        for j in range(n):
            d = np.float64(row[j])
            if d < dnear[j]:
                dnear[j] = d
        dnear[best] = 0.0
        found += 1
    return medoids, found


@njit(cache=True, nogil=True)
def lab(D, k, uniforms):
    """LAB (linear approximative BUILD): BUILD on fresh random subsamples.

    Each medoid is chosen among a subsample of 10 + ceil(sqrt(n)) objects
    not chosen yet, scoring candidates on that subsample only: O(n k)
    distance reads instead of BUILD's O(k n^2). ``uniforms`` holds
    ``k * (10 + ceil(sqrt(n)))`` draws from [0, 1) (the caller's generator).
    Returns medoids.
    """
    n = n_objects(D)
    buf = np.empty(n)
    size = min(n, 10 + int(np.ceil(np.sqrt(n))))
    perm = np.arange(n)
    dnear = np.full(n, np.inf)
    medoids = np.empty(k, dtype=np.int64)
    for m in range(k):
        remaining = n - m
        take = min(size, remaining)
        # partial Fisher-Yates over the objects not chosen yet (perm[m:])
        for t in range(take):
            r = m + t + int(uniforms[m * size + t] * (remaining - t))
            perm[m + t], perm[r] = perm[r], perm[m + t]
        best_t = 0
        best_cost = np.inf
        for t in range(take):
            c = perm[m + t]
            cost = 0.0
            for u in range(take):
                j = perm[m + u]
                if j == c:
                    continue
                cost += min(get_dist(D, c, j), dnear[j])
            if cost < best_cost:
                best_cost = cost
                best_t = t
        chosen = perm[m + best_t]
        perm[m + best_t], perm[m] = perm[m], perm[m + best_t]
        medoids[m] = chosen
        row = get_row(D, chosen, buf)
        for j in range(n):
            d = np.float64(row[j])
            if d < dnear[j]:
                dnear[j] = d
    return medoids


@njit(cache=True, nogil=True)
def kmedoids_plusplus(D, k, uniforms):
    """k-medoids++: each next medoid drawn with probability proportional to D.

    The weights are the plain dissimilarities to the nearest medoid (the
    k-median analogue of k-means++'s squared distances, as in ELKI).
    ``uniforms`` holds k draws from [0, 1) (the caller's generator).
    Returns medoids.
    """
    n = n_objects(D)
    buf = np.empty(n)
    medoids = np.empty(k, dtype=np.int64)
    weight = np.empty(n)
    first = min(int(uniforms[0] * n), n - 1)
    medoids[0] = first
    row = get_row(D, first, buf)
    for j in range(n):
        weight[j] = np.float64(row[j])
    weight[first] = 0.0
    for m in range(1, k):
        total = weight.sum()
        if total <= 0.0:
            # every object coincides with a medoid: take the first free ones
            chosen = -1
            for j in range(n):
                taken = False
                for s in range(m):
                    if medoids[s] == j:
                        taken = True
                if not taken:
                    chosen = j
                    break
        else:
            target = uniforms[m] * total
            chosen = n - 1
            acc = 0.0
            for j in range(n):
                acc += weight[j]
                if acc > target and weight[j] > 0.0:
                    chosen = j
                    break
            while weight[chosen] <= 0.0:  # rounding at the very end
                chosen -= 1
        medoids[m] = chosen
        row = get_row(D, chosen, buf)
        for j in range(n):
            d = np.float64(row[j])
            if d < weight[j]:
                weight[j] = d
        weight[chosen] = 0.0
    return medoids


# --------------------------------------------------------------------------- results


@njit(cache=True, nogil=True)
def medoid_block(D, medoids):
    """Dissimilarities among the medoids, (k, k)."""
    k = medoids.shape[0]
    out = np.empty((k, k))
    for a in range(k):
        for b in range(k):
            out[a, b] = get_dist(D, medoids[a], medoids[b])
    return out


# --------------------------------------------------------------------------- CLARANS


@njit(cache=True, nogil=True)
def fastclarans(D, medoids, max_neighbor, seed, check):
    """FastCLARANS: randomised search on the swap graph, all k slots per draw.

    Draws non-medoids in a random order (a running Fisher-Yates shuffle,
    reshuffled when exhausted), evaluates each against all k medoids at once
    and performs the best swap if it lowers the loss by more than 1e-12 of
    it. Stops after ``max_neighbor`` consecutive draws without a swap. The
    random stream is numba's, seeded here from the caller's generator.
    Returns (loss, labels, n_draws, n_swaps).
    """
    np.random.seed(seed)
    n = n_objects(D)
    k = medoids.shape[0]
    if k == 1:
        loss, labels, swaps = _one_medoid(D, medoids)
        return loss, labels, 1, swaps
    loss, near, dnear, seco, dseco, removal, changes, buf = _start(D, medoids)
    perm = np.arange(n)
    pos = n
    fails = 0
    draws = 0
    n_swaps = 0
    while fails < max_neighbor and loss > 0.0:
        if pos >= n:
            pos = 0
        r = pos + np.random.randint(n - pos)
        x = perm[r]
        perm[r] = perm[pos]
        perm[pos] = x
        pos += 1
        if dnear[x] == 0.0:
            continue  # a medoid, or a duplicate of one: swapping it in cannot help
        draws += 1
        row = get_row(D, x, buf)
        b = swap_changes(row, removal, near, dnear, dseco, changes)
        if changes[b] < -1e-12 * loss:
            loss = do_swap(D, medoids, near, dnear, seco, dseco, b, x, row)
            update_removal_loss(near, dnear, dseco, removal)
            if check:
                check_caches(D, medoids, near, dnear, seco, dseco, removal)
            n_swaps += 1
            fails = 0
        else:
            fails += 1
    return loss, near, draws, n_swaps
