// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {PerceptronBase} from "./PerceptronBase.sol";
import {
    BITS40,
    LANES40,
    MASK40,
    MAX40,
    ONES40,
    PACKED_BITS,
    PARAMS_SLOT,
    SIGN_BYTE40,
    TWO_MAX40,
    X40
} from "../libraries/PackedSlots.sol";

/// @title DensePerceptron
/// @notice Binary perceptron over dense L2-normalised inputs (x 1e9).
/// `m = intercept * 1e9 + sum(w_i * x_i)` (all on the 1e18 scale); predicts 1 iff `m > 0`.
/// On a wrong prediction `w_i += sign * ((x_i * learningRate) / 1e9)` with the division truncating
/// toward zero (sign +1 for label 1, -1 for label 0). Weights are int40: `|w_i| <= 2^39 - 1`
/// (about 549.76 in real units); an update leaving that range reverts `ParameterOverflow`.
/// @dev Weights: int40 x6 per slot at `PARAMS_SLOT + i / 6`, lane `i % 6` in bits
/// `[40 * lane, 40 * lane + 40)`, stored XOR 2^39 per lane (int40.min is never stored), bits
/// 240..255 zero. Six lanes rather than five int48 ones: 67 slots instead of 80 for 400 weights,
/// 13 fewer cold reads on every predict and SSTOREs on every update and deployment.
contract DensePerceptron is PerceptronBase {
    /// @dev Bytes of calldata per full slot of values (6 x 32).
    uint256 private constant SLOT_STRIDE = 0xc0;

    /// @param classNames exactly two class names (index 0 is the "negative" class)
    /// @param dimension number of input values
    /// @param intercept_ intercept, x 1e9 (the margin uses `intercept * 1e9`)
    /// @param learningRate_ learning rate, x 1e9, positive
    constructor(string[] memory classNames, uint256 dimension, int64 intercept_, int64 learningRate_)
        PerceptronBase(classNames, dimension, dimension, intercept_, learningRate_)
    {}

    /// @notice Write pre-encoded slot words (6 int40 lanes each, lane XOR 2^39, bits 240..255
    /// zero) to weight slots `startSlot ..` (weights `6 * startSlot ..`); a zero word leaves its
    /// slot untouched. Lanes past the last weight must encode 0. Deployer only, before `setTrainer`.
    /// @dev One SSTORE per word (~22,600 gas per new slot); invalid words revert
    /// `InvalidPackedWord`.
    /// @param startSlot first slot, relative to the weight array
    /// @param words encoded slot words
    function initializePacked(uint256 startSlot, uint256[] calldata words) external onlyInitializer {
        uint256 n = numFeatures;
        uint256 numSlots = (n + LANES40 - 1) / LANES40;
        _checkChunk(startSlot, words.length, numSlots);
        // bits of the last slot past the last weight (must decode to zero)
        uint256 tailShift = (n % LANES40) * BITS40;
        uint256 bad; // slot index + 1 of the first invalid word
        // Solidity equivalent:
        //     for (uint256 k; k < words.length; ++k) {
        //         uint256 w = words[k];
        //         if (w == 0) continue;
        //         // (w - ONES40) & ~w & X40 != 0 iff some 40-bit lane of w is zero (int40.min)
        //         bool fault = w >> PACKED_BITS != 0 || (w - ONES40) & ~w & X40 != 0;
        //         // lanes past the last weight must decode to zero
        //         if (startSlot + k == numSlots - 1 && tailShift != 0) fault = fault || (w ^ X40) >> tailShift != 0;
        //         if (fault) { bad = startSlot + k + 1; break; }
        //         sstore(PARAMS_SLOT + startSlot + k, w);
        //     }
        assembly ("memory-safe") {
            let slot := add(PARAMS_SLOT, startSlot)
            let last := add(PARAMS_SLOT, sub(numSlots, 1))
            let p := words.offset
            for { let end := add(p, shl(5, words.length)) } lt(p, end) { p := add(p, 0x20) } {
                let w := calldataload(p)
                if w {
                    let fault := or(
                        shr(PACKED_BITS, w),
                        and(and(sub(w, ONES40), not(w)), X40)
                    )
                    if and(eq(slot, last), iszero(iszero(tailShift))) {
                        fault := or(fault, shr(tailShift, xor(w, X40)))
                    }
                    if fault {
                        bad := add(sub(slot, PARAMS_SLOT), 1)
                        break
                    }
                    sstore(slot, w)
                }
                slot := add(slot, 1)
            }
        }
        if (bad != 0) revert InvalidPackedWord(bad - 1, words[bad - 1 - startSlot]);
        emit PackedInitialized(startSlot, words.length);
    }

    /// @notice Weight `index` (x 1e9).
    function weights(uint256 index) external view returns (int64 w) {
        _checkChunk(index, 1, numFeatures);
        uint256 slot = PARAMS_SLOT + index / LANES40;
        uint256 sh = (index % LANES40) * BITS40;
        // Solidity equivalent: w = sload(slot) == 0 ? 0 : int40(uint40((sload(slot) ^ X40) >> sh));
        assembly ("memory-safe") {
            let raw := sload(slot)
            if raw { w := signextend(SIGN_BYTE40, shr(sh, xor(raw, X40))) }
        }
    }

    /// @dev Adds `trunc(x_i * lr / 1e9)` to every weight (see `PerceptronBase._apply`).
    function _apply(int64[] calldata data, int256 lr)
        internal
        override
        returns (uint256 badIndex, int256 badValue)
    {
        uint256 n = data.length;
        // Solidity equivalent (here one slot of six weights a step, lane k at bit 40 k, the range
        // test of all six OR-ed together):
        //     for (uint256 i; i < n; ++i) {
        //         int256 v = weight[i] + data[i] * lr / int256(TO_FLOAT); // sdiv truncates toward zero
        //         if (badIndex == 0 && (v > MAX40 || v < -MAX40)) (badIndex, badValue) = (i + 1, v);
        //         weight[i] = int40(v); // lane i % 6 of slot PARAMS_SLOT + i / 6, stored XOR 2^39
        //     }
        assembly ("memory-safe") {
            let p := data.offset
            let slot := PARAMS_SLOT
            for { let full := add(p, mul(div(n, LANES40), SLOT_STRIDE)) } lt(p, full) {} {
                let w := sload(slot)
                if w { w := xor(w, X40) }
                let v := add(signextend(SIGN_BYTE40, w), sdiv(mul(calldataload(p), lr), TO_FLOAT))
                let o := gt(add(v, MAX40), TWO_MAX40)
                let out := and(v, MASK40)
                v := add(
                    signextend(SIGN_BYTE40, shr(40, w)),
                    sdiv(mul(calldataload(add(p, 0x20)), lr), TO_FLOAT)
                )
                o := or(o, gt(add(v, MAX40), TWO_MAX40))
                out := or(out, shl(40, and(v, MASK40)))
                v := add(
                    signextend(SIGN_BYTE40, shr(80, w)),
                    sdiv(mul(calldataload(add(p, 0x40)), lr), TO_FLOAT)
                )
                o := or(o, gt(add(v, MAX40), TWO_MAX40))
                out := or(out, shl(80, and(v, MASK40)))
                v := add(
                    signextend(SIGN_BYTE40, shr(120, w)),
                    sdiv(mul(calldataload(add(p, 0x60)), lr), TO_FLOAT)
                )
                o := or(o, gt(add(v, MAX40), TWO_MAX40))
                out := or(out, shl(120, and(v, MASK40)))
                v := add(
                    signextend(SIGN_BYTE40, shr(160, w)),
                    sdiv(mul(calldataload(add(p, 0x80)), lr), TO_FLOAT)
                )
                o := or(o, gt(add(v, MAX40), TWO_MAX40))
                out := or(out, shl(160, and(v, MASK40)))
                v := add(
                    signextend(SIGN_BYTE40, shr(200, w)),
                    sdiv(mul(calldataload(add(p, 0xa0)), lr), TO_FLOAT)
                )
                o := or(o, gt(add(v, MAX40), TWO_MAX40))
                out := or(out, shl(200, and(v, MASK40)))
                if and(o, iszero(badIndex)) {
                    // rare: find the first lane of this slot that left the range
                    for { let l := 0 } lt(l, LANES40) { l := add(l, 1) } {
                        let u := add(
                            signextend(SIGN_BYTE40, shr(mul(l, BITS40), w)),
                            sdiv(mul(calldataload(add(p, shl(5, l))), lr), TO_FLOAT)
                        )
                        if gt(add(u, MAX40), TWO_MAX40) {
                            badIndex := add(add(shr(5, sub(p, data.offset)), l), 1)
                            badValue := u
                            break
                        }
                    }
                }
                sstore(slot, xor(out, X40))
                p := add(p, SLOT_STRIDE)
                slot := add(slot, 1)
            }
            let end := add(data.offset, shl(5, n))
            if lt(p, end) {
                // last, partial slot: lanes past the end keep their (zero) weights
                let w := sload(slot)
                if w { w := xor(w, X40) }
                let out := w
                for { let sh := 0 } lt(p, end) { p := add(p, 0x20) } {
                    let u := add(
                        signextend(SIGN_BYTE40, shr(sh, w)),
                        sdiv(mul(calldataload(p), lr), TO_FLOAT)
                    )
                    if and(gt(add(u, MAX40), TWO_MAX40), iszero(badIndex)) {
                        badIndex := add(shr(5, sub(p, data.offset)), 1)
                        badValue := u
                    }
                    out := or(and(out, not(shl(sh, MASK40))), shl(sh, and(u, MASK40)))
                    sh := add(sh, BITS40)
                }
                sstore(slot, xor(out, X40))
            }
        }
    }

    /// @dev Checks the input (dimension, int64 words, normalisation) and returns
    /// `intercept * 1e9 + sum(w_i * x_i)`, in one pass over the calldata.
    function _margin(int64[] calldata data) internal view override returns (int256 m) {
        uint256 n = data.length;
        _checkDimension(n);
        m = int256(intercept) * int256(TO_FLOAT);
        uint256 s; // sum of squares
        uint256 bad; // OR of every x + 2^63: reaches bit 64 iff some word is not an int64
        // Solidity equivalent (here one slot of six weights a step, lane k at bit 40 k):
        //     for (uint256 i; i < n; ++i) {
        //         int256 x = data[i]; // the raw calldata word
        //         bad |= uint256(x) + I64_BIAS;
        //         s += uint256(x * x);
        //         m += weight[i] * x; // lane i % 6 of slot PARAMS_SLOT + i / 6, decoded
        //     }
        assembly ("memory-safe") {
            let p := data.offset
            let slot := PARAMS_SLOT
            for { let full := add(p, mul(div(n, LANES40), SLOT_STRIDE)) } lt(p, full) {} {
                let w := sload(slot)
                if w { w := xor(w, X40) }
                let x := calldataload(p)
                bad := or(bad, add(x, I64_BIAS))
                s := add(s, mul(x, x))
                let t := mul(signextend(SIGN_BYTE40, w), x)
                x := calldataload(add(p, 0x20))
                bad := or(bad, add(x, I64_BIAS))
                s := add(s, mul(x, x))
                t := add(t, mul(signextend(SIGN_BYTE40, shr(40, w)), x))
                x := calldataload(add(p, 0x40))
                bad := or(bad, add(x, I64_BIAS))
                s := add(s, mul(x, x))
                t := add(t, mul(signextend(SIGN_BYTE40, shr(80, w)), x))
                x := calldataload(add(p, 0x60))
                bad := or(bad, add(x, I64_BIAS))
                s := add(s, mul(x, x))
                t := add(t, mul(signextend(SIGN_BYTE40, shr(120, w)), x))
                x := calldataload(add(p, 0x80))
                bad := or(bad, add(x, I64_BIAS))
                s := add(s, mul(x, x))
                t := add(t, mul(signextend(SIGN_BYTE40, shr(160, w)), x))
                x := calldataload(add(p, 0xa0))
                bad := or(bad, add(x, I64_BIAS))
                s := add(s, mul(x, x))
                m := add(m, add(t, mul(signextend(SIGN_BYTE40, shr(200, w)), x)))
                p := add(p, SLOT_STRIDE)
                slot := add(slot, 1)
            }
            let end := add(data.offset, shl(5, n))
            if lt(p, end) {
                let w := sload(slot)
                if w { w := xor(w, X40) }
                for {} lt(p, end) { p := add(p, 0x20) } {
                    let x := calldataload(p)
                    bad := or(bad, add(x, I64_BIAS))
                    s := add(s, mul(x, x))
                    m := add(m, mul(signextend(SIGN_BYTE40, w), x))
                    w := shr(BITS40, w)
                }
            }
        }
        _checkNorm(bad, s);
    }
}
