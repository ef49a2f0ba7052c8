// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title ViewBatch
/// @notice Test-only: reads many views and balances in ONE `eth_call`, so that the invariant tests
/// can check the whole state after every step without a round trip per value.
contract ViewBatch {
    /// @notice One view call: `target` is called with `data` (staticcall).
    struct Call {
        address target;
        bytes data;
    }

    /// @notice The balances of `accounts`, and the result of every call (`ok` false when the call
    /// reverted; `results` then holds the revert data).
    function read(address[] calldata accounts, Call[] calldata calls)
        external
        view
        returns (uint256[] memory balances, bool[] memory ok, bytes[] memory results)
    {
        balances = new uint256[](accounts.length);
        for (uint256 i; i < accounts.length; ++i) {
            balances[i] = accounts[i].balance;
        }
        ok = new bool[](calls.length);
        results = new bytes[](calls.length);
        for (uint256 i; i < calls.length; ++i) {
            (ok[i], results[i]) = calls[i].target.staticcall(calls[i].data);
        }
    }
}
