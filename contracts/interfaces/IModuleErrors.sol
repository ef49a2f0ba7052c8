// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title IModuleErrors
/// @notice Errors shared by every module a trainer wires (classifier, incentive mechanism): the
/// trainer-only guard and the one-time binding to a trainer (`IModule.setTrainer`).
interface IModuleErrors {
    /// @notice The caller is not the trainer bound to this module.
    error NotTrainer(address caller);
    /// @notice Only the address that deployed the module may initialise it or bind it.
    error NotDeployer(address caller);
    /// @notice `setTrainer` needs a non-zero trainer address.
    error ZeroTrainer();
    /// @notice The module is already bound to `trainer` (a classifier's initialisation is over).
    error TrainerAlreadySet(address trainer);
}
