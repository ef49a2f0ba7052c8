// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IModule} from "./IModule.sol";
import {IModuleErrors} from "./IModuleErrors.sol";

/// @title IIncentiveErrors
/// @notice Every reason an incentive mechanism refuses an action. The trainer inherits this
/// interface so that its ABI names the errors that bubble up from its mechanism.
interface IIncentiveErrors is IModuleErrors {
    /// @notice A packed counter would overflow.
    error CounterOverflow(uint256 value);
    /// @notice The wait times must satisfy `refund < ownerClaim < anyAddressClaim` (strictly: an
    /// equal wait would let a take race the refund or the owner's take).
    error InvalidWaitTimes(uint256 refundWaitTimeS, uint256 ownerClaimWaitTimeS, uint256 anyAddressClaimWaitTimeS);
    /// @notice `costWeight * 3600` does not fit 256 bits.
    error CostWeightTooLarge(uint256 costWeight);
    /// @notice The deposit sent is below the current cost.
    error InsufficientDeposit(uint256 sent, uint256 cost);
    /// @notice The action is allowed from `readyAt` (a unix timestamp) on.
    error TooEarly(uint256 readyAt);
    /// @notice A refund needs the current model to predict the contribution's label.
    error ModelDisagrees(uint64 prediction, uint64 classification);
    /// @notice A report needs the current model to disagree with the contribution's label.
    error ModelAgrees(uint64 prediction);
    /// @notice `claimer` already claimed from this contribution.
    error AlreadyClaimed(address claimer);
    /// @notice Only the first claim on a contribution counts (points mechanism); it was made.
    error AlreadySettled(uint256 numClaims);
    /// @notice No deposit is left on this contribution.
    error NothingToClaim();
    /// @notice The author cannot report its own contribution; it may take what is left from
    /// `anyAddressTakeAt` on (never, for the points mechanism: `type(uint256).max`).
    error CannotReportOwnContribution(uint256 anyAddressTakeAt);
    /// @notice A reporter needs at least one validated (refunded) contribution.
    error NoValidatedContributions(address reporter);
}

/// @title IIncentiveMechanism
/// @notice Prices contributions and decides refunds and takes. The trainer holds the money and the
/// contribution records; the mechanism keeps only its own counters and rules. Only scalars cross
/// the boundary (never the data), to keep calls cheap.
/// @dev Every `handle*` function is trainer-only and reverts with a custom error of
/// `IIncentiveErrors` that says why an action is refused.
interface IIncentiveMechanism is IIncentiveErrors, IModule {
    /// @notice The deposit `addData` needs if mined at the current block's timestamp.
    function getNextAddDataCost() external view returns (uint256);

    /// @notice Seconds after a contribution before its author may ask for a refund (and before
    /// anyone may report it).
    function refundWaitTimeS() external view returns (uint256);

    /// @notice Seconds after a contribution before the trainer's owner may take what is left.
    function ownerClaimWaitTimeS() external view returns (uint256);

    /// @notice Seconds after a contribution before anyone (the author included) may take what is left.
    function anyAddressClaimWaitTimeS() external view returns (uint256);

    /// @notice How many of `contributor`'s contributions were validated by a refund.
    function numValidForAddress(address contributor) external view returns (uint256);

    /// @notice How many contributions were validated by a refund, over all contributors.
    function totalGoodDataCount() external view returns (uint256);

    /// @notice How many contributions were accepted.
    function totalSubmitted() external view returns (uint256);

    /// @notice Whether the owner take and the any-address take exist. When they do, the trainer
    /// decides them from the wait times alone and does not ask the classifier (a claim never costs
    /// more than the contribution): it passes `prediction = type(uint256).max` to `handleReport`,
    /// which must then not read it.
    function hasDeadlineTakes() external view returns (bool);

    /// @notice Price a contribution sent with `msgValue` wei; reverts when the deposit is too small.
    /// @return cost The deposit to keep; the trainer returns `msgValue - cost` to the sender.
    function handleAddData(uint256 msgValue) external returns (uint256 cost);

    /// @notice Decide a refund requested by a contribution's author.
    /// @param author The contribution's author (the caller of `refund`).
    /// @param addedTime When the contribution was added.
    /// @param record The contribution's record (see `ContributionRecord`); "claimed" says whether the
    /// author already claimed.
    /// @param classification The contribution's label (a uint64; passed as a word the trainer has
    /// already validated, so the mechanism's decoder does not check it again).
    /// @param prediction The current model's prediction for the contribution's data (a uint64, idem).
    /// @return amount Wei to pay the author (at most the record's claimable amount).
    function handleRefund(address author, uint256 addedTime, uint256 record, uint256 classification, uint256 prediction)
        external
        returns (uint256 amount);

    /// @notice Decide a report (or an owner / any-address take).
    /// @param reporter The caller of `report` (may be the author, for the any-address take).
    /// @param author The contribution's author.
    /// @param owner The trainer's owner (entitled to the owner take).
    /// @param addedTime When the contribution was added.
    /// @param record The contribution's record (see `ContributionRecord`); "claimed" says whether
    /// `reporter` already claimed from it.
    /// @param classification The contribution's label (a uint64, as for `handleRefund`).
    /// @param prediction The current model's prediction (a uint64, idem).
    /// @return amount Wei to pay the reporter (at most the record's claimable amount).
    function handleReport(
        address reporter,
        address author,
        address owner,
        uint256 addedTime,
        uint256 record,
        uint256 classification,
        uint256 prediction
    ) external returns (uint256 amount);
}
