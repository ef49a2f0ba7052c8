// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title Math
/// @notice Integer helpers shared by the incentive mechanisms.
library Math {
    /// @notice The integer square root: the largest `r` with `r * r <= x` (floor of the real root).
    /// @dev Newton's method from the guess `2^floor(log2(x) / 2)`, which lies in
    /// `(sqrt(x) / 2, sqrt(x)]`. The first step lands above the root; from there every step stays
    /// above the floor and at least doubles the number of correct bits, so seven steps suffice for
    /// any 256-bit input, and `min(r, x / r)` removes the final off-by-one.
    function isqrt(uint256 x) internal pure returns (uint256 r) {
        if (x == 0) return 0;
        unchecked {
            // r = 2^floor(log2(x) / 2).
            uint256 xx = x;
            r = 1;
            if (xx >= 1 << 128) { xx >>= 128; r <<= 64; }
            if (xx >= 1 << 64) { xx >>= 64; r <<= 32; }
            if (xx >= 1 << 32) { xx >>= 32; r <<= 16; }
            if (xx >= 1 << 16) { xx >>= 16; r <<= 8; }
            if (xx >= 1 << 8) { xx >>= 8; r <<= 4; }
            if (xx >= 1 << 4) { xx >>= 4; r <<= 2; }
            if (xx >= 1 << 2) { r <<= 1; }
            // Newton iterations.
            r = (r + x / r) >> 1;
            r = (r + x / r) >> 1;
            r = (r + x / r) >> 1;
            r = (r + x / r) >> 1;
            r = (r + x / r) >> 1;
            r = (r + x / r) >> 1;
            r = (r + x / r) >> 1;
            uint256 q = x / r;
            if (r > q) r = q;
        }
    }
}
