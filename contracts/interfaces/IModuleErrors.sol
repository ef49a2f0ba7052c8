// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title IModuleErrors
/// @notice Errors shared by every module a trainer wires (classifier, incentive mechanism).
interface IModuleErrors {
    /// @notice The caller is not the trainer bound to this module.
    error NotTrainer(address caller);
}
