// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IncentiveMechanismBase} from "./IncentiveMechanismBase.sol";

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
        _state = _increment(_loadStateAsTrainer(), _SUBMITTED_SHIFT);
        return 0;
    }

    /// @notice Validate a contribution for its author: first claim only, after `refundWaitTimeS`,
    /// while the current model agrees. Gives the author a point. Trainer only.
    /// @param r The claim (`r.claimer` is the author).
    /// @return amount Always 0 (no money).
    function handleRefund(ClaimRequest calldata r) external returns (uint256 amount) {
        uint256 s = _loadStateAsTrainer();
        if (r.claimerClaimed) revert AlreadyClaimed(r.claimer);
        if (r.numClaims != 0) revert AlreadySettled(r.numClaims);
        uint256 addedTime = r.addedTime;
        if (block.timestamp - addedTime < refundWaitTimeS) revert TooEarly(_readyAt(addedTime, refundWaitTimeS));
        if (r.prediction != r.classification) revert ModelDisagrees(r.prediction, r.classification);
        _recordGoodData(s, r.claimer);
        return 0;
    }

    /// @notice Record a successful report: first claim only, not by the author, after
    /// `refundWaitTimeS`, while the current model disagrees. Trainer only.
    /// @param r The claim (`r.claimer` is the reporter).
    /// @return amount Always 0 (no money).
    function handleReport(ClaimRequest calldata r, address /* owner */ ) external returns (uint256 amount) {
        _loadStateAsTrainer();
        address reporter = r.claimer;
        if (reporter == r.author) revert CannotReportOwnContribution(type(uint256).max);
        if (r.claimerClaimed) revert AlreadyClaimed(reporter);
        if (r.numClaims != 0) revert AlreadySettled(r.numClaims);
        uint256 addedTime = r.addedTime;
        if (block.timestamp - addedTime < refundWaitTimeS) revert TooEarly(_readyAt(addedTime, refundWaitTimeS));
        if (r.prediction == r.classification) revert ModelAgrees(r.prediction);
        unchecked {
            // At most one per contribution, and contributions are counted in 32 bits.
            numSuccessfulReports[reporter] += 1;
        }
        return 0;
    }
}
