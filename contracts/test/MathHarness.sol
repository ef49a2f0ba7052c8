// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Math} from "../libraries/Math.sol";

/// @title MathHarness
/// @notice TEST ONLY. Exposes the internal `Math` library.
contract MathHarness {
    /// @notice `Math.isqrt(x)`.
    function isqrt(uint256 x) external pure returns (uint256) {
        return Math.isqrt(x);
    }
}
