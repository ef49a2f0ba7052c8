// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ClassifierBase} from "./ClassifierBase.sol";
import {IClassifier} from "../interfaces/IClassifier.sol";
import {PackedSlots as P} from "../libraries/PackedSlots.sol";

/// @title NearestCentroid
/// @notice Nearest centroid over dense L2-normalised inputs (x 1e9). Predicts the class minimising
/// `||c||^2 - 2 x.c` (the squared Euclidean distance minus the class-independent `||x||^2`), ties
/// to the lowest class. `update` always moves the labelled class's centroid to the running mean
/// `c_i = (c_i * n + x_i) / (n + 1)` (truncating toward zero) and increments its data count `n`.
/// @dev Centroids: int32 x8 per slot (values of normalised data lie within +-1e9), class `c` at
/// `PARAMS_SLOT + c * slotsPerClass + i / 8`, lane `i % 8`. Per class one metadata word at
/// `META_SLOT + c`: bits 0..63 data count, bits 64..254 `||c||^2` (exact), bit 255 marker.
contract NearestCentroid is ClassifierBase {
    // Literal copies of PackedSlots constants, for inline assembly.
    uint256 private constant X32 = 0x8000000080000000800000008000000080000000800000008000000080000000;
    uint256 private constant PARAMS = 0xa116eccbdf58ce95d147d0972cecb4098c3ae2c8e920a6f7880449042e90728e;
    uint256 private constant LANES = 8;
    uint256 private constant SHIFT = 64;
    uint256 private constant NORM_MASK = (1 << 191) - 1;
    int256 private constant MAX_I32 = type(int32).max;

    /// @notice Storage slots per class centroid: ceil(dimension / 8).
    uint256 public immutable slotsPerClass;

    /// @notice Emitted for each initialisation chunk of a centroid.
    event CentroidInitialized(uint64 classification, uint256 startIndex, uint256 count);

    /// @param classNames class names
    /// @param dimension number of input values
    /// @param dataCounts number of samples behind each initial centroid
    constructor(string[] memory classNames, uint256 dimension, uint64[] memory dataCounts)
        ClassifierBase(classNames, dimension)
    {
        if (dataCounts.length != classNames.length) {
            revert LengthMismatch(dataCounts.length, classNames.length);
        }
        slotsPerClass = (dimension + LANES - 1) / LANES;
        for (uint256 c; c < dataCounts.length; ++c) {
            _storeMeta(c, dataCounts[c], 0);
        }
    }

    /// @notice Set values `startIndex ..` of class `classification`'s centroid (x 1e9, within
    /// +-(2^31 - 1)). Owner only, before `finalize`.
    /// @dev Deployment should write every value (zeros included); 1,000 values cost about 3.4M gas.
    function initializeCentroid(uint64 classification, uint256 startIndex, int64[] calldata values)
        external
        onlyInitializer
    {
        if (classification >= NUM_CLASSES) revert UnknownClass(classification, NUM_CLASSES);
        _checkChunk(startIndex, values.length, numFeatures);
        (uint256 n, uint256 norm) = _meta(classification);
        uint256 base = P.PARAMS_SLOT + classification * slotsPerClass;
        for (uint256 j; j < values.length; ++j) {
            uint256 i = startIndex + j;
            int256 v = values[j];
            if (v > MAX_I32 || v < -MAX_I32) revert ValueOutOfRange(i, v);
            uint256 slot = base + i / LANES;
            uint256 plain = P.load32s(slot);
            int256 old = P.getI32(plain, i % LANES);
            P.store32s(slot, P.set32(plain, i % LANES, uint256(v)));
            norm = norm + uint256(v * v) - uint256(old * old);
        }
        _storeMeta(classification, n, norm);
        emit CentroidInitialized(classification, startIndex, values.length);
    }

    /// @notice Value `index` of class `classification`'s centroid (x 1e9).
    function centroid(uint256 classification, uint256 index) external view returns (int256) {
        if (classification >= NUM_CLASSES) revert ClassIndexOutOfRange(classification, NUM_CLASSES);
        _checkChunk(index, 1, numFeatures);
        uint256 slot = P.PARAMS_SLOT + classification * slotsPerClass + index / LANES;
        return P.getI32(P.load32s(slot), index % LANES);
    }

    /// @notice `(dataCount, squaredNorm)` of class `classification`'s centroid.
    function classInfo(uint256 classification) external view returns (uint256 n, uint256 norm) {
        if (classification >= NUM_CLASSES) revert ClassIndexOutOfRange(classification, NUM_CLASSES);
        return _meta(classification);
    }

    /// @inheritdoc IClassifier
    function predict(int64[] calldata data) external view returns (uint64 best) {
        _checkDense(data);
        uint256 numClasses = NUM_CLASSES;
        int256 bestScore = type(int256).max;
        for (uint256 c; c < numClasses; ) {
            (, uint256 norm) = _meta(c);
            int256 score = int256(norm) - 2 * _dot(data, c);
            if (score < bestScore) {
                bestScore = score;
                best = uint64(c);
            }
            unchecked {
                ++c;
            }
        }
    }

    /// @inheritdoc IClassifier
    function update(int64[] calldata data, uint64 classification) external {
        _checkUpdate(classification);
        _checkDense(data);
        (uint256 n, ) = _meta(classification);
        if (n == type(uint64).max) revert ClassCountOverflow(classification);
        uint256 norm = _move(data, classification, n);
        _storeMeta(classification, n + 1, norm);
        emit Updated(classification);
    }

    /// @dev `x . c` for class `c` (lanes past the vector's end hold 0).
    function _dot(int64[] calldata data, uint256 c) private view returns (int256 d) {
        uint256 n = data.length;
        uint256 base = PARAMS + c * slotsPerClass;
        assembly {
            let p := data.offset
            let end := add(p, shl(5, n))
            for {} lt(p, end) {} {
                let w := sload(base)
                if w {
                    w := xor(w, X32)
                    d := add(
                        d,
                        add(
                            add(
                                add(
                                    mul(signextend(3, w), calldataload(p)),
                                    mul(signextend(3, shr(32, w)), calldataload(add(p, 0x20)))
                                ),
                                add(
                                    mul(signextend(3, shr(64, w)), calldataload(add(p, 0x40))),
                                    mul(signextend(3, shr(96, w)), calldataload(add(p, 0x60)))
                                )
                            ),
                            add(
                                add(
                                    mul(signextend(3, shr(128, w)), calldataload(add(p, 0x80))),
                                    mul(signextend(3, shr(160, w)), calldataload(add(p, 0xa0)))
                                ),
                                add(
                                    mul(signextend(3, shr(192, w)), calldataload(add(p, 0xc0))),
                                    mul(sar(224, w), calldataload(add(p, 0xe0)))
                                )
                            )
                        )
                    )
                }
                p := add(p, 0x100)
                base := add(base, 1)
            }
        }
    }

    /// @dev Move class `c`'s centroid to `(c_i * n + x_i) / (n + 1)`; returns the new `||c||^2`.
    /// |x_i| < 1.0000001e9 (normalised) and |c_i| < 2^31, so the mean stays within int32.
    function _move(int64[] calldata data, uint256 c, uint256 n) private returns (uint256 norm) {
        uint256 dim = data.length;
        uint256 base = PARAMS + c * slotsPerClass;
        assembly {
            let n1 := add(n, 1)
            for { let i := 0 } lt(i, dim) { i := add(i, 8) } {
                let plain := sload(base)
                if plain { plain := xor(plain, X32) }
                let out := 0
                for { let l := 0 } lt(l, 8) { l := add(l, 1) } {
                    let v := sdiv(
                        add(
                            mul(signextend(3, shr(shl(5, l), plain)), n),
                            mul(calldataload(add(data.offset, shl(5, add(i, l)))), lt(add(i, l), dim))
                        ),
                        n1
                    )
                    norm := add(norm, mul(v, v))
                    out := or(out, shl(shl(5, l), and(v, 0xffffffff)))
                }
                sstore(base, xor(out, X32))
                base := add(base, 1)
            }
        }
    }

    function _meta(uint256 c) private view returns (uint256 n, uint256 norm) {
        uint256 w;
        uint256 slot = P.META_SLOT + c;
        assembly {
            w := sload(slot)
        }
        n = w & P.MASK64;
        norm = (w >> SHIFT) & NORM_MASK;
    }

    function _storeMeta(uint256 c, uint256 n, uint256 norm) private {
        uint256 w = P.META_MARK | (norm << SHIFT) | n;
        uint256 slot = P.META_SLOT + c;
        assembly {
            sstore(slot, w)
        }
    }
}
