// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IModule} from "./IModule.sol";

/// @title IClassifier
/// @notice A model that lives in a contract. Inputs are `int64` vectors: dense models take feature
/// values in fixed point (x 1e9), sparse models take the indices of the features present.
/// @dev Only the bound trainer may call `update`; only the deployer may initialise, and only until
/// `setTrainer` binds the trainer.
interface IClassifier is IModule {
    /// @notice The class predicted for `data`.
    function predict(int64[] calldata data) external view returns (uint64);

    /// @notice The class predicted for `data` that this model's `update` has already accepted; the
    /// trainer uses it for refunds and reports, where `data` hashes to an accepted contribution.
    /// @dev A model may skip the input checks `update` made (they cannot fail again on the same
    /// data), so for input `update` would reject the result is unspecified.
    function predictAccepted(int64[] calldata data) external view returns (uint64);

    /// @notice Train on one labelled sample. Trainer only.
    function update(int64[] calldata data, uint64 classification) external;

    /// @notice The name of class `index`.
    function classifications(uint256 index) external view returns (string memory);

    /// @notice How many classes the model has.
    function getNumClassifications() external view returns (uint256);
}
