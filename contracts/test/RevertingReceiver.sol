// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {CollaborativeTrainer} from "../CollaborativeTrainer.sol";
import {TrainerClient} from "./TrainerClient.sol";

/// @title RevertingReceiver
/// @notice TEST ONLY. A contract wallet that refuses ether while `accepting` is false.
contract RevertingReceiver is TrainerClient {
    /// @notice The payment was refused on purpose.
    error PaymentRefused(uint256 amount);

    /// @notice Whether `receive` accepts ether.
    bool public accepting;

    constructor(CollaborativeTrainer trainer_) TrainerClient(trainer_) {}

    /// @notice Accept (true) or refuse (false) incoming ether.
    function setAccepting(bool accepting_) external {
        accepting = accepting_;
    }

    receive() external payable {
        if (!accepting) revert PaymentRefused(msg.value);
    }
}
