// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IIncentiveMechanism} from "../interfaces/IIncentiveMechanism.sol";
import {IModule} from "../interfaces/IModule.sol";

/// @title IncentiveMechanismBase
/// @notice What both incentive mechanisms share: the wait times, the one-time binding to a trainer,
/// the trainer-only guard and the counters.
/// @dev Gas: the bound trainer and all three counters live in ONE storage slot (`_state`), so a
/// `handle*` call pays one cold SLOAD for the guard and the counters together, and at most one
/// SSTORE. Layout (low to high bits):
///   [0, 160)   trainer address
///   [160, 192) lastUpdateTime - deployedAt (seconds; lasts 136 years after deployment)
///   [192, 224) totalSubmitted
///   [224, 256) totalGoodDataCount
/// Counters are checked: reaching 2^32 reverts with `CounterOverflow` instead of wrapping.
abstract contract IncentiveMechanismBase is IIncentiveMechanism {
    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                         CONSTANTS                          */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @dev Fields of `_state`: bit offsets, the mask of a 32-bit field and of the address.
    uint256 internal constant TIME_SHIFT = 160;
    uint256 internal constant SUBMITTED_SHIFT = 192;
    uint256 internal constant GOOD_SHIFT = 224;
    uint256 internal constant COUNTER_MASK = 0xffffffff;
    uint256 internal constant ADDRESS_MASK = (1 << 160) - 1;

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                           STATE                            */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @inheritdoc IIncentiveMechanism
    uint256 public immutable refundWaitTimeS;
    /// @inheritdoc IIncentiveMechanism
    uint256 public immutable ownerClaimWaitTimeS;
    /// @inheritdoc IIncentiveMechanism
    uint256 public immutable anyAddressClaimWaitTimeS;
    /// @notice The block timestamp at deployment (the origin of `lastUpdateTime`).
    uint256 public immutable deployedAt;

    /// @dev The address that deployed the mechanism; it alone may bind it (`setTrainer`).
    address private immutable _deployer;

    /// @dev trainer | lastUpdate offset | totalSubmitted | totalGoodDataCount (see the title NatSpec).
    uint256 internal _state;

    /// @inheritdoc IIncentiveMechanism
    mapping(address => uint256) public numValidForAddress;

    /// @param refundWaitTimeS_ Seconds before a refund or a report is allowed.
    /// @param ownerClaimWaitTimeS_ Seconds before the trainer's owner may take what is left.
    /// @param anyAddressClaimWaitTimeS_ Seconds before anyone may take what is left.
    constructor(uint256 refundWaitTimeS_, uint256 ownerClaimWaitTimeS_, uint256 anyAddressClaimWaitTimeS_) {
        if (refundWaitTimeS_ >= ownerClaimWaitTimeS_ || ownerClaimWaitTimeS_ >= anyAddressClaimWaitTimeS_) {
            revert InvalidWaitTimes(refundWaitTimeS_, ownerClaimWaitTimeS_, anyAddressClaimWaitTimeS_);
        }
        refundWaitTimeS = refundWaitTimeS_;
        ownerClaimWaitTimeS = ownerClaimWaitTimeS_;
        anyAddressClaimWaitTimeS = anyAddressClaimWaitTimeS_;
        deployedAt = block.timestamp;
        _deployer = msg.sender;
    }

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                          BINDING                           */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @inheritdoc IModule
    function setTrainer(address trainer_) external {
        if (msg.sender != _deployer) revert NotDeployer(msg.sender);
        if (trainer_ == address(0)) revert ZeroTrainer();
        uint256 s = _state;
        address current = address(uint160(s & ADDRESS_MASK));
        if (current != address(0)) revert TrainerAlreadySet(current);
        _state = s | uint256(uint160(trainer_));
        emit TrainerSet(trainer_);
    }

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                           VIEWS                            */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @inheritdoc IModule
    function trainer() external view returns (address) {
        return address(uint160(_state & ADDRESS_MASK));
    }

    /// @inheritdoc IIncentiveMechanism
    function totalSubmitted() external view returns (uint256) {
        return (_state >> SUBMITTED_SHIFT) & COUNTER_MASK;
    }

    /// @inheritdoc IIncentiveMechanism
    function totalGoodDataCount() external view returns (uint256) {
        return _state >> GOOD_SHIFT;
    }

    /// @notice The time of the last accepted contribution (the deployment time before any).
    function lastUpdateTime() external view returns (uint256) {
        return deployedAt + ((_state >> TIME_SHIFT) & COUNTER_MASK);
    }

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                         INTERNALS                          */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @dev Loads the packed state and reverts unless the caller is the bound trainer.
    function _loadStateAsTrainer() internal view returns (uint256 s) {
        s = _state;
        if (address(uint160(s & ADDRESS_MASK)) != msg.sender) revert NotTrainer(msg.sender);
    }

    /// @dev `s` with the 32-bit counter at `shift` increased by one (reverts at 2^32).
    function _increment(uint256 s, uint256 shift) internal pure returns (uint256) {
        uint256 value = (s >> shift) & COUNTER_MASK;
        if (value == COUNTER_MASK) revert CounterOverflow(value);
        unchecked {
            return s + (1 << shift);
        }
    }

    /// @dev `start + wait`, saturating at 2^256 - 1 (wait times may be "never" = max uint).
    function _readyAt(uint256 start, uint256 wait) internal pure returns (uint256) {
        unchecked {
            uint256 t = start + wait;
            return t < start ? type(uint256).max : t;
        }
    }

    /// @dev Records a validated contribution for `author`: numValid[author]++, totalGoodDataCount++.
    function _recordGoodData(uint256 s, address author) internal {
        _state = _increment(s, GOOD_SHIFT);
        unchecked {
            // Bounded by totalGoodDataCount < 2^32, checked above.
            numValidForAddress[author] += 1;
        }
    }
}
