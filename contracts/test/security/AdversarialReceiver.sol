// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @dev The trainer functions the attacker drives (declared here so that this test contract does not
/// depend on the trainer's source layout).
interface ITrainerTarget {
    function addData(int64[] calldata data, uint64 classification) external payable;
    function refund(int64[] calldata data, uint64 classification, uint256 addedTime) external;
    function report(int64[] calldata data, uint64 classification, uint256 addedTime, address originalAuthor)
        external;
    function incentiveMechanism() external view returns (address);
}

/// @dev The mechanism's price view.
interface ICostTarget {
    function getNextAddDataCost() external view returns (uint256);
}

/// @title AdversarialReceiver
/// @notice Test-only attacker for tests/security: a contract contributor / reporter whose `receive`
/// misbehaves on payouts: it reverts, burns all gas, or re-enters the trainer (refund, report or
/// addData on a configured target contribution) and records what the re-entrant call returned.
contract AdversarialReceiver {
    /// @notice What `receive` does with a payout.
    enum Mode {
        Accept,
        Revert,
        BurnGas,
        ReenterRefund,
        ReenterReport,
        ReenterAddData
    }

    /// @notice `receive` refused a payment of `amount` wei (mode Revert).
    error Refused(uint256 amount);

    /// @notice The trainer under attack.
    ITrainerTarget public immutable trainer;
    /// @notice The current behaviour of `receive`.
    Mode public mode;
    /// @notice Wei received through `receive`, over all payouts.
    uint256 public received;
    /// @notice Number of payouts received.
    uint256 public receiveCount;
    /// @notice Whether a re-entrant call was attempted / succeeded, and its revert data.
    bool public reentryAttempted;
    bool public reentrySucceeded;
    bytes public reentryError;

    int64[] private _data;
    uint64 private _classification;
    uint256 private _addedTime;
    address private _author;

    /// @param trainer_ The trainer to attack.
    constructor(address trainer_) {
        trainer = ITrainerTarget(trainer_);
    }

    /// @notice Set how `receive` behaves.
    function setMode(Mode mode_) external {
        mode = mode_;
        reentryAttempted = false;
        reentrySucceeded = false;
        delete reentryError;
    }

    /// @notice The contribution a re-entrant call targets.
    function setTarget(int64[] calldata data, uint64 classification, uint256 addedTime, address author) external {
        _data = data;
        _classification = classification;
        _addedTime = addedTime;
        _author = author;
    }

    /// @notice Contribute through this contract (it is the author).
    function addData(int64[] calldata data, uint64 classification) external payable {
        trainer.addData{value: msg.value}(data, classification);
    }

    /// @notice Contribute with exactly the cost at this block (no excess comes back); the rest of
    /// the value stays in this contract.
    function addDataExact(int64[] calldata data, uint64 classification) external payable {
        uint256 cost = ICostTarget(trainer.incentiveMechanism()).getNextAddDataCost();
        trainer.addData{value: cost}(data, classification);
    }

    /// @notice Ask for the refund of a contribution this contract made.
    function refund(int64[] calldata data, uint64 classification, uint256 addedTime) external {
        trainer.refund(data, classification, addedTime);
    }

    /// @notice Report (or take) a contribution as this contract.
    function report(int64[] calldata data, uint64 classification, uint256 addedTime, address author) external {
        trainer.report(data, classification, addedTime, author);
    }

    receive() external payable {
        received += msg.value;
        receiveCount += 1;
        Mode m = mode;
        if (m == Mode.Revert) revert Refused(msg.value);
        if (m == Mode.BurnGas) {
            assembly ("memory-safe") {
                invalid()
            }
        }
        if (m == Mode.Accept || reentryAttempted) return;
        reentryAttempted = true;
        if (m == Mode.ReenterRefund) {
            try trainer.refund(_data, _classification, _addedTime) {
                reentrySucceeded = true;
            } catch (bytes memory err) {
                reentryError = err;
            }
        } else if (m == Mode.ReenterReport) {
            try trainer.report(_data, _classification, _addedTime, _author) {
                reentrySucceeded = true;
            } catch (bytes memory err) {
                reentryError = err;
            }
        } else {
            try trainer.addData(_data, _classification) {
                reentrySucceeded = true;
            } catch (bytes memory err) {
                reentryError = err;
            }
        }
    }
}

/// @title ForceSender
/// @notice Test-only: forces ether into `target` with `selfdestruct` (no contract can refuse it).
contract ForceSender {
    /// @param target Receives this contract's whole balance.
    constructor(address payable target) payable {
        selfdestruct(target);
    }
}
