// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {CollaborativeTrainer} from "../CollaborativeTrainer.sol";

/// @title TrainerClient
/// @notice TEST ONLY. A contract account that contributes to, and claims from, a trainer, so tests
/// can see how the trainer treats contract wallets.
abstract contract TrainerClient {
    /// @notice The trainer this client talks to.
    CollaborativeTrainer public immutable trainer;

    constructor(CollaborativeTrainer trainer_) {
        trainer = trainer_;
    }

    /// @notice Forward `addData` with all the value sent.
    function addData(int64[] calldata data, uint64 classification) external payable {
        trainer.addData{value: msg.value}(data, classification);
    }

    /// @notice Forward `addData` with exactly the current cost (the rest of the value stays here),
    /// so that no excess is sent back to this contract.
    function addDataExact(int64[] calldata data, uint64 classification) external payable {
        uint256 cost = trainer.incentiveMechanism().getNextAddDataCost();
        trainer.addData{value: cost}(data, classification);
    }

    /// @notice Forward `refund`.
    function refund(int64[] calldata data, uint64 classification, uint256 addedTime) external {
        trainer.refund(data, classification, addedTime);
    }

    /// @notice Forward `report`.
    function report(int64[] calldata data, uint64 classification, uint256 addedTime, address author) external {
        trainer.report(data, classification, addedTime, author);
    }
}
