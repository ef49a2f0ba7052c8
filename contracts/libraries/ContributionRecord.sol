// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title ContributionRecord
/// @notice The one-word record the trainer keeps per contribution, which it also hands to its
/// incentive mechanism to decide a claim (one word instead of a struct keeps those calls cheap).
/// @dev Layout (low to high bits): `[0, 96)` initial deposit, `[96, 192)` claimable,
/// `[192, 224)` number of claims, bit 224 "claimed", bit 225 "exists". Deposits fit 96 bits
/// (2^96 wei exceeds all ether). In storage "claimed" means the author claimed; in a claim handed to
/// a mechanism it means the claimer did.
library ContributionRecord {
    uint256 internal constant AMOUNT_MASK = (1 << 96) - 1;
    uint256 internal constant CLAIMABLE_SHIFT = 96;
    uint256 internal constant CLAIMS_SHIFT = 192;
    uint256 internal constant CLAIMS_MASK = 0xffffffff;
    uint256 internal constant CLAIMED_BIT = 224;
    uint256 internal constant CLAIMED = 1 << CLAIMED_BIT;
    uint256 internal constant EXISTS = 1 << 225;

    /// @dev A new record: `deposit` paid and claimable, no claims.
    function create(uint256 deposit) internal pure returns (uint256) {
        return deposit | (deposit << CLAIMABLE_SHIFT) | EXISTS;
    }

    function initialDeposit(uint256 record) internal pure returns (uint256) {
        return record & AMOUNT_MASK;
    }

    function claimable(uint256 record) internal pure returns (uint256) {
        return (record >> CLAIMABLE_SHIFT) & AMOUNT_MASK;
    }

    function numClaims(uint256 record) internal pure returns (uint256) {
        return (record >> CLAIMS_SHIFT) & CLAIMS_MASK;
    }

    function claimed(uint256 record) internal pure returns (bool) {
        return record & CLAIMED != 0;
    }

    function exists(uint256 record) internal pure returns (bool) {
        return record & EXISTS != 0;
    }

    /// @dev `record` with the "claimed" bit set to `flag` (0 or 1).
    function withClaimed(uint256 record, uint256 flag) internal pure returns (uint256) {
        return (record & ~CLAIMED) | (flag << CLAIMED_BIT);
    }
}
