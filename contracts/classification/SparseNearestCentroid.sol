// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ClassifierBase} from "./ClassifierBase.sol";
import {IClassifier} from "../interfaces/IClassifier.sol";
import {
    PackedSlots as P,
    LANES64,
    PARAMS_SLOT
} from "../libraries/PackedSlots.sol";

/// @title SparseNearestCentroid
/// @notice Nearest centroid over sparse binary inputs: `data` = strictly increasing indices of the
/// features present, at least one and at most `maxInputFeatures`. Per class `c` the contract keeps `n_c` (data count), fixed-point feature sums
/// `S[f][c]` (x 1e9; centroid value = `S / (n_c * 1e9)`) and `Q_c = sum_f S[f][c]^2`. With `k`
/// present features and `A_c = sum_{f in data} S[f][c]`, the squared distance times
/// `n_c^2 * 1e18` is exactly `E_c = k * n_c^2 * 1e18 - 2 * A_c * n_c * 1e9 + Q_c` (>= 0), and
/// classes compare by `E_a * n_b^2 < E_b * n_a^2` (exact, no division). Classes with `n_c == 0`
/// have no centroid and are never predicted (all empty: class 0); ties go to the lowest class.
/// `update` adds 1e9 to the labelled class's sum of each present feature and increments `n_c`:
/// O(k) reads and writes, independent of the number of features.
/// @dev Sums: uint64 x4 per slot (XOR offset) at flat index `feature * numClasses + class`. Per
/// class one metadata word at `META_SLOT + c`: bits 0..63 `n_c`, bits 64..254 `Q_c`, bit 255 marker
/// (`PackedSlots.loadMeta` / `storeMeta`).
contract SparseNearestCentroid is ClassifierBase {
    uint256 private constant MAX_SUM = uint256(uint64(type(int64).max));
    uint256 private constant MAX_DATA_COUNT = type(uint32).max;
    uint256 private constant MAX_FEATURES = 1 << 32;

    /// @notice Emitted for each initialisation chunk of feature sums.
    event SumsInitialized(uint256 startIndex, uint256 count);

    /// @param classNames class names
    /// @param numFeatures_ exclusive upper bound of the input indices (at most 2^32)
    /// @param dataCounts samples behind each class's sums (each below 2^32)
    /// @param maxInputFeatures_ most indices one input may list, in `[1, numFeatures_]`
    constructor(
        string[] memory classNames,
        uint256 numFeatures_,
        uint64[] memory dataCounts,
        uint256 maxInputFeatures_
    ) ClassifierBase(classNames, numFeatures_, maxInputFeatures_) {
        if (dataCounts.length != classNames.length) {
            revert LengthMismatch(dataCounts.length, classNames.length);
        }
        if (numFeatures_ > MAX_FEATURES) revert InvalidParameter("numFeatures", int256(numFeatures_));
        for (uint256 c; c < dataCounts.length; ++c) {
            if (dataCounts[c] > MAX_DATA_COUNT) {
                revert InvalidParameter("dataCount", int256(uint256(dataCounts[c])));
            }
            P.storeMeta(c, dataCounts[c], 0);
        }
    }

    /// @notice Set the feature sums (x 1e9, below 2^63) at flat indices `startIndex ..`
    /// (index = feature * numClasses + class). Deployer only, before `setTrainer`.
    /// @dev Deployment should write every sum (zeros included); 500 sums cost about 3.2M gas.
    function initializeSums(uint256 startIndex, uint64[] calldata sums) external onlyInitializer {
        uint256 numClasses = _numClasses;
        _checkChunk(startIndex, sums.length, numFeatures * numClasses);
        for (uint256 j; j < sums.length; ++j) {
            uint256 i = startIndex + j;
            uint256 v = sums[j];
            if (v > MAX_SUM) revert ValueOutOfRange(i, int256(v));
            uint256 slot = PARAMS_SLOT + i / LANES64;
            uint256 plain = P.load64(slot);
            uint256 old = P.getU64(plain, i % LANES64);
            P.store64(slot, P.set64(plain, i % LANES64, v));
            uint256 c = i % numClasses;
            (uint256 n, uint256 q) = P.loadMeta(c);
            P.storeMeta(c, n, q + v * v - old * old);
        }
        emit SumsInitialized(startIndex, sums.length);
    }

    /// @notice The sum (x 1e9) of `feature` in class `classification`.
    function featureSum(uint256 feature, uint256 classification) external view returns (uint256) {
        uint256 i = feature * _numClasses + classification;
        _checkChunk(i, 1, numFeatures * _numClasses);
        return P.getU64(P.load64(PARAMS_SLOT + i / LANES64), i % LANES64);
    }

    /// @notice `(n_c, Q_c)` of class `classification`.
    function classInfo(uint256 classification) external view returns (uint256 n, uint256 q) {
        if (classification >= _numClasses) revert ClassIndexOutOfRange(classification, _numClasses);
        return P.loadMeta(classification);
    }

    /// @inheritdoc IClassifier
    function predict(int64[] calldata data) external view returns (uint64) {
        _checkSparse(data);
        return _predict(data);
    }

    /// @inheritdoc IClassifier
    /// @dev Skips `_checkSparse`.
    function predictAccepted(int64[] calldata data) external view returns (uint64) {
        return _predict(data);
    }

    /// @dev The prediction for checked `data`.
    function _predict(int64[] calldata data) private view returns (uint64 best) {
        uint256 numClasses = _numClasses;
        uint256 k = data.length;
        uint256 bestE;
        uint256 bestN; // 0: no candidate yet
        for (uint256 c; c < numClasses; ) {
            (uint256 n, uint256 q) = P.loadMeta(c);
            if (n != 0) {
                uint256 a;
                for (uint256 j; j < k; ) {
                    uint256 i = uint256(int256(data[j])) * numClasses + c;
                    unchecked {
                        a += P.getU64(P.load64(PARAMS_SLOT + i / LANES64), i % LANES64);
                        ++j;
                    }
                }
                // E >= 0 exactly (a sum of squares); n < 2^32, sums < 2^63, k <= numFeatures <= 2^32.
                uint256 e = k * n * n * TO_FLOAT_SQ + q - 2 * a * n * TO_FLOAT;
                if (bestN == 0 || e * bestN * bestN < bestE * n * n) {
                    best = uint64(c);
                    bestE = e;
                    bestN = n;
                }
            }
            unchecked {
                ++c;
            }
        }
    }

    /// @inheritdoc IClassifier
    function update(int64[] calldata data, uint64 classification) external {
        _checkUpdate(classification);
        _checkSparse(data);
        uint256 numClasses = _numClasses;
        (uint256 n, uint256 q) = P.loadMeta(classification);
        if (n >= MAX_DATA_COUNT) revert ClassCountOverflow(classification);
        uint256 k = data.length;
        for (uint256 j; j < k; ) {
            uint256 i = uint256(int256(data[j])) * numClasses + classification;
            uint256 slot = PARAMS_SLOT + i / LANES64;
            uint256 plain = P.load64(slot);
            uint256 s = P.getU64(plain, i % LANES64);
            if (s + TO_FLOAT > MAX_SUM) revert ParameterOverflow(i, int256(s + TO_FLOAT));
            P.store64(slot, P.set64(plain, i % LANES64, s + TO_FLOAT));
            // (s + 1e9)^2 - s^2
            q += 2 * s * TO_FLOAT + TO_FLOAT_SQ;
            unchecked {
                ++j;
            }
        }
        P.storeMeta(classification, n + 1, q);
        emit Updated(classification);
    }
}
