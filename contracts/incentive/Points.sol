// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IncentiveMechanismBase} from "./IncentiveMechanismBase.sol";
import {IIncentiveMechanism} from "../interfaces/IIncentiveMechanism.sol";
import {ContributionRecord as R} from "../libraries/ContributionRecord.sol";

/// @title Points
/// @notice A mechanism without money: contributing is free (any value sent is returned by the
/// trainer). After `refundWaitTimeS` the first claim on a contribution decides it: a refund by the
/// author while the model agrees earns the author a point (a validated contribution); a report by
/// someone else while the model disagrees earns the reporter a successful report.
contract Points is IncentiveMechanismBase {
    /// @notice How many successful reports `reporter` made.
    mapping(address => uint256) public numSuccessfulReports;

    /// @param refundWaitTimeS_ Seconds before a refund or a report is allowed.
    /// @param ownerClaimWaitTimeS_ Kept for interface compatibility (no deposits to take).
    /// @param anyAddressClaimWaitTimeS_ Kept for interface compatibility (no deposits to take).
    constructor(uint256 refundWaitTimeS_, uint256 ownerClaimWaitTimeS_, uint256 anyAddressClaimWaitTimeS_)
        IncentiveMechanismBase(refundWaitTimeS_, ownerClaimWaitTimeS_, anyAddressClaimWaitTimeS_)
    {}

    /// @inheritdoc IIncentiveMechanism
    /// @dev No deposits, so no takes: every report needs the model's prediction.
    function hasDeadlineTakes() external pure returns (bool) {
        return false;
    }

    /// @notice Always 0: contributing is free.
    function getNextAddDataCost() external pure returns (uint256) {
        return 0;
    }

    /// @notice `contributor`'s points: validated contributions and successful reports.
    /// @return validated Contributions of `contributor` validated by a refund.
    /// @return reports Successful reports made by `contributor`.
    function getPoints(address contributor) external view returns (uint256 validated, uint256 reports) {
        return (numValidForAddress[contributor], numSuccessfulReports[contributor]);
    }

    /// @notice Accept a contribution for free (the trainer returns `msgValue`). Trainer only.
    /// @return cost Always 0.
    function handleAddData(uint256 /* msgValue */ ) external returns (uint256 cost) {
        _state = _increment(_loadStateAsTrainer(), SUBMITTED_SHIFT);
        return 0;
    }

    /// @notice Validate a contribution for its author: first claim only, after `refundWaitTimeS`,
    /// while the current model agrees. Gives the author a point. Trainer only.
    /// @inheritdoc IIncentiveMechanism
    /// @return amount Always 0 (no money).
    function handleRefund(address author, uint256 addedTime, uint256 record, uint256 classification, uint256 prediction)
        external
        returns (uint256 amount)
    {
        uint256 s = _loadStateAsTrainer();
        if (R.claimed(record)) revert AlreadyClaimed(author);
        uint256 numClaims = R.numClaims(record);
        if (numClaims != 0) revert AlreadySettled(numClaims);
        if (block.timestamp - addedTime < refundWaitTimeS) revert TooEarly(_readyAt(addedTime, refundWaitTimeS));
        if (prediction != classification) revert ModelDisagrees(uint64(prediction), uint64(classification));
        _recordGoodData(s, author);
        return 0;
    }

    /// @notice Record a successful report: first claim only, not by the author, after
    /// `refundWaitTimeS`, while the current model disagrees. Trainer only.
    /// @inheritdoc IIncentiveMechanism
    /// @return amount Always 0 (no money).
    function handleReport(
        address reporter,
        address author,
        address, /* owner */
        uint256 addedTime,
        uint256 record,
        uint256 classification,
        uint256 prediction
    ) external returns (uint256 amount) {
        _loadStateAsTrainer();
        if (reporter == author) revert CannotReportOwnContribution(type(uint256).max);
        if (R.claimed(record)) revert AlreadyClaimed(reporter);
        uint256 numClaims = R.numClaims(record);
        if (numClaims != 0) revert AlreadySettled(numClaims);
        if (block.timestamp - addedTime < refundWaitTimeS) revert TooEarly(_readyAt(addedTime, refundWaitTimeS));
        if (prediction == classification) revert ModelAgrees(uint64(prediction));
        unchecked {
            // At most one per contribution, and contributions are counted in 32 bits.
            numSuccessfulReports[reporter] += 1;
        }
        return 0;
    }
}
