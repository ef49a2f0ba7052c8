// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IModuleErrors} from "./IModuleErrors.sol";

/// @title IModule
/// @notice What every module a trainer wires (classifier, incentive mechanism) shares: its deployer
/// binds it, once, to the trainer that alone may then call its mutating functions.
interface IModule is IModuleErrors {
    /// @notice Emitted once, when the module is bound to its trainer.
    event TrainerSet(address indexed trainer);

    /// @notice The trainer bound to this module (zero until `setTrainer`).
    function trainer() external view returns (address);

    /// @notice Bind the module to `trainer_`. Deployer only, once, non-zero (`NotDeployer`,
    /// `TrainerAlreadySet`, `ZeroTrainer`). A classifier accepts no initialiser afterwards.
    function setTrainer(address trainer_) external;
}
