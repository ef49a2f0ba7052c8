// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {CollaborativeTrainer} from "../CollaborativeTrainer.sol";
import {TrainerClient} from "./TrainerClient.sol";

/// @title ContractWallet
/// @notice TEST ONLY. A contract wallet whose `receive` needs more than the 2,300-gas stipend (it
/// writes storage), and that can send two contributions in one transaction (same block).
contract ContractWallet is TrainerClient {
    /// @notice Total wei received.
    uint256 public received;

    constructor(CollaborativeTrainer trainer_) TrainerClient(trainer_) {}

    /// @notice Two `addData` calls in one transaction, each with half the value sent.
    function addDataTwice(int64[] calldata data1, uint64 classification1, int64[] calldata data2, uint64 classification2)
        external
        payable
    {
        uint256 half = msg.value / 2;
        trainer.addData{value: half}(data1, classification1);
        trainer.addData{value: msg.value - half}(data2, classification2);
    }

    receive() external payable {
        received += msg.value;
    }
}
