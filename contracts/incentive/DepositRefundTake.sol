// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IncentiveMechanismBase} from "./IncentiveMechanismBase.sol";
import {IIncentiveMechanism} from "../interfaces/IIncentiveMechanism.sol";
import {ContributionRecord as R} from "../libraries/ContributionRecord.sol";
import {Math} from "../libraries/Math.sol";

/// @title DepositRefundTake
/// @notice "Deposit, Refund and Take: Self-Assessment". A contribution costs a deposit that shrinks
/// with the time since the last contribution. After `refundWaitTimeS` the author gets it back if the
/// current model agrees with the label; otherwise contributors with validated data may each take a
/// share. After `ownerClaimWaitTimeS` the trainer's owner, and after `anyAddressClaimWaitTimeS`
/// anyone (the author included), may take whatever is left.
contract DepositRefundTake is IncentiveMechanismBase {
    /// @notice One hour, in seconds: the cost's time scale.
    uint256 public constant COST_TIME_SCALE_S = 3600;
    /// @notice The smallest deposit when `costWeight > 0`: a deposit that rounded to 0 could
    /// never be refunded (`NothingToClaim`), so its author could never be validated.
    uint256 public constant MIN_COST = 1;

    /// @notice Scales the cost (wei); 0 makes contributing free (and nothing refundable).
    uint256 public immutable costWeight;

    /// @dev costWeight * COST_TIME_SCALE_S, computed (and overflow-checked) once.
    uint256 private immutable _costNumerator;

    /// @param refundWaitTimeS_ Seconds before a refund or a report is allowed.
    /// @param ownerClaimWaitTimeS_ Seconds before the trainer's owner may take what is left.
    /// @param anyAddressClaimWaitTimeS_ Seconds before anyone may take what is left.
    /// @param costWeight_ Wei; the cost is `costWeight * 3600 / isqrt(seconds since the last contribution)`.
    constructor(
        uint256 refundWaitTimeS_,
        uint256 ownerClaimWaitTimeS_,
        uint256 anyAddressClaimWaitTimeS_,
        uint256 costWeight_
    ) IncentiveMechanismBase(refundWaitTimeS_, ownerClaimWaitTimeS_, anyAddressClaimWaitTimeS_) {
        if (costWeight_ > type(uint256).max / COST_TIME_SCALE_S) revert CostWeightTooLarge(costWeight_);
        costWeight = costWeight_;
        _costNumerator = costWeight_ * COST_TIME_SCALE_S;
    }

    /// @notice The deposit `addData` needs if mined at the current block's timestamp:
    /// `max(MIN_COST, costWeight * 3600 / isqrt(now - lastUpdateTime))`, divisor 1 when no time
    /// has passed (0 when `costWeight` is 0).
    function getNextAddDataCost() external view returns (uint256) {
        return _cost(_state);
    }

    /// @notice Price a contribution and accept it when `msgValue` covers the cost. Trainer only.
    /// @param msgValue The value sent with `addData`.
    /// @return cost The deposit kept on the contribution.
    function handleAddData(uint256 msgValue) external returns (uint256 cost) {
        uint256 s = _loadStateAsTrainer();
        cost = _cost(s);
        if (msgValue < cost) revert InsufficientDeposit(msgValue, cost);
        uint256 offset = block.timestamp - deployedAt;
        if (offset > COUNTER_MASK) revert CounterOverflow(offset);
        s = (s & ~(COUNTER_MASK << TIME_SHIFT)) | (offset << TIME_SHIFT);
        _state = _increment(s, SUBMITTED_SHIFT);
    }

    /// @notice Decide an author's refund: the whole claimable deposit when the author has not
    /// claimed yet, something is left, the wait has passed and the current model agrees. Trainer only.
    /// @inheritdoc IIncentiveMechanism
    function handleRefund(address author, uint256 addedTime, uint256 record, uint256 classification, uint256 prediction)
        external
        returns (uint256 amount)
    {
        uint256 s = _loadStateAsTrainer();
        if (R.claimed(record)) revert AlreadyClaimed(author);
        amount = R.claimable(record);
        if (amount == 0) revert NothingToClaim();
        if (block.timestamp - addedTime < refundWaitTimeS) revert TooEarly(_readyAt(addedTime, refundWaitTimeS));
        if (prediction != classification) revert ModelDisagrees(uint64(prediction), uint64(classification));
        _recordGoodData(s, author);
    }

    /// @inheritdoc IIncentiveMechanism
    function hasDeadlineTakes() external pure returns (bool) {
        return true;
    }

    /// @notice Decide a report or a take. The owner takes everything left after
    /// `ownerClaimWaitTimeS`; anyone (the author included) after `anyAddressClaimWaitTimeS`.
    /// Before that, a non-author with validated data who has not claimed yet, after
    /// `refundWaitTimeS`, when the model disagrees, gets
    /// `initialDeposit * numValid[reporter] / totalGoodDataCount` (everything left when that is 0
    /// or more than what is left). Trainer only.
    /// @inheritdoc IIncentiveMechanism
    function handleReport(
        address reporter,
        address author,
        address owner,
        uint256 addedTime,
        uint256 record,
        uint256 classification,
        uint256 prediction
    ) external view returns (uint256 amount) {
        uint256 s = _loadStateAsTrainer();
        uint256 claimable = R.claimable(record);
        if (claimable == 0) revert NothingToClaim();
        uint256 elapsed = block.timestamp - addedTime;
        // The deadline takes, decided without `prediction` (the trainer does not compute it).
        if (elapsed >= ownerClaimWaitTimeS && reporter == owner) return claimable;
        if (elapsed >= anyAddressClaimWaitTimeS) return claimable;
        if (reporter == author) {
            revert CannotReportOwnContribution(_readyAt(addedTime, anyAddressClaimWaitTimeS));
        }
        if (R.claimed(record)) revert AlreadyClaimed(reporter);
        if (elapsed < refundWaitTimeS) revert TooEarly(_readyAt(addedTime, refundWaitTimeS));
        if (prediction == classification) revert ModelAgrees(uint64(prediction));
        uint256 numValid = numValidForAddress[reporter];
        if (numValid == 0) revert NoValidatedContributions(reporter);
        unchecked {
            // deposit < 2^96 and numValid < 2^32: no overflow; numValid > 0 implies
            // totalGoodDataCount >= numValid > 0: no division by zero.
            amount = R.initialDeposit(record) * numValid / (s >> GOOD_SHIFT);
        }
        if (amount == 0 || amount > claimable) amount = claimable;
    }

    /// @dev The cost at the current block's timestamp given the packed state `s`.
    function _cost(uint256 s) private view returns (uint256) {
        if (_costNumerator == 0) return 0;
        uint256 elapsed = block.timestamp - (deployedAt + ((s >> TIME_SHIFT) & COUNTER_MASK));
        uint256 divisor = elapsed == 0 ? 1 : Math.isqrt(elapsed);
        uint256 cost = _costNumerator / divisor;
        return cost < MIN_COST ? MIN_COST : cost;
    }
}
