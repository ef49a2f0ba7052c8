// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {CollaborativeTrainer} from "../CollaborativeTrainer.sol";
import {TrainerClient} from "./TrainerClient.sol";

/// @title ReentrantReceiver
/// @notice TEST ONLY. A contract wallet whose `receive` calls the trainer again (refund, report or
/// addData on a stored target) while being paid, to try to claim twice.
contract ReentrantReceiver is TrainerClient {
    /// @notice What `receive` calls: nothing, `refund`, `report` or `addData`.
    enum Attack {
        None,
        Refund,
        Report,
        AddData
    }

    /// @notice The attack `receive` runs.
    Attack public attack;
    /// @notice Whether a failed re-entry makes `receive` revert too (so the payout fails).
    bool public bubble;
    /// @notice How many times `receive` tried to re-enter.
    uint256 public attempts;
    /// @notice Whether the last re-entry succeeded.
    bool public lastSucceeded;
    /// @notice The revert data of the last failed re-entry.
    bytes public lastRevertData;

    int64[] private _data;
    uint64 private _classification;
    uint256 private _addedTime;
    address private _author;
    bool private _inside;

    constructor(CollaborativeTrainer trainer_) TrainerClient(trainer_) {}

    /// @notice Arm `receive` to call `attack_` on the given contribution.
    function arm(
        Attack attack_,
        int64[] calldata data,
        uint64 classification,
        uint256 addedTime,
        address author,
        bool bubble_
    ) external {
        attack = attack_;
        _data = data;
        _classification = classification;
        _addedTime = addedTime;
        _author = author;
        bubble = bubble_;
    }

    receive() external payable {
        if (attack == Attack.None || _inside) return;
        _inside = true;
        attempts += 1;
        bytes memory callData;
        if (attack == Attack.Refund) {
            callData = abi.encodeCall(CollaborativeTrainer.refund, (_data, _classification, _addedTime));
        } else if (attack == Attack.Report) {
            callData = abi.encodeCall(CollaborativeTrainer.report, (_data, _classification, _addedTime, _author));
        } else {
            callData = abi.encodeCall(CollaborativeTrainer.addData, (_data, _classification));
        }
        (bool ok, bytes memory ret) = address(trainer).call(callData);
        lastSucceeded = ok;
        lastRevertData = ret;
        _inside = false;
        if (!ok && bubble) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
    }
}
